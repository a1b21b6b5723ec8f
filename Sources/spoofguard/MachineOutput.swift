import SpoofGuard

/// Prints one JSON object on one line, its members written by `body`: the machine output of
/// every command goes through `JSONWriter` (snake_case keys; the README lists each shape).
func printJSON(_ body: (inout JSONWriter) -> Void) {
    var writer = JSONWriter()
    writer.object(body)
    print(writer.text)
}
