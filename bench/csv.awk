# csv_split(line, out): the fields of one RFC 4180 record (quotes removed,
# "" unescaped, commas inside quotes kept) into out[1..n]; returns n.
# POSIX awk. Shared by bench/plots.sh and tests/lib.sh (column).
function csv_split(line, out,    n, i, c, field, q, len) {
    n = 0; field = ""; q = 0; len = length(line)
    for (i = 1; i <= len; i++) {
        c = substr(line, i, 1)
        if (q && c == "\"" && substr(line, i + 1, 1) == "\"") { field = field c; i++ }
        else if (c == "\"") q = !q
        else if (c == "," && !q) { out[++n] = field; field = "" }
        else field = field c
    }
    out[++n] = field
    return n
}
