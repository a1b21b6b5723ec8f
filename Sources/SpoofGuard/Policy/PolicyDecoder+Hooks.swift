/// `hooks`: where the guard sits.
extension PolicyDecoder {
    struct HookEntry {
        var hook: PolicyHook
        var path: JSONPath
        /// Nil for the default, which stands nowhere in the file.
        var position: StrictJSON.Position?
    }

    mutating func decodeHooks(_ value: Value, at path: JSONPath) -> [HookEntry]? {
        let names = PolicyHook.allCases.map(\.rawValue)
        guard let texts = stringList(value, at: path, what: "hooks", element: "a hook name") else { return nil }
        if texts.isEmpty {
            report(path, "is empty, so the guard would sit nowhere; use one or more of \(names.map { quoted($0) }.joined(separator: ", ")), or omit \"hooks\" for \"prerouting\"", at: value.position)
            return nil
        }
        var entries: [HookEntry] = []
        var complete = true
        for (text, elementPath, position) in texts {
            guard let hook = PolicyHook(rawValue: text) else {
                let hint = NameSuggestion.closest(to: text, among: names).map { "; did you mean \(quoted($0))?" }
                    ?? "; the hooks are \(names.map { quoted($0) }.joined(separator: ", "))"
                report(elementPath, "\(quoted(text)) is not a hook\(hint)", at: position)
                complete = false
                continue
            }
            if let earlier = entries.first(where: { $0.hook == hook }) {
                report(elementPath, "\(quoted(text)) is listed twice (also at \(earlier.path)); remove one", at: position)
                complete = false
                continue
            }
            entries.append(HookEntry(hook: hook, path: elementPath, position: position))
        }
        return complete ? entries : nil
    }
}
