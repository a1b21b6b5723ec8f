import Foundation

/// The `manifest.json` of a bad-input corpus: one entry per file, with the exit code and the
/// message fragments a command reading that file must give.
struct CorpusManifest<Case: Decodable>: Decodable {
    var cases: [Case]

    /// The manifest in `directory`, or no cases when it cannot be read (a test that counts the
    /// cases then fails).
    static func load(from directory: URL) -> [Case] {
        let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return data.flatMap { try? JSONDecoder().decode(Self.self, from: $0) }?.cases ?? []
    }
}
