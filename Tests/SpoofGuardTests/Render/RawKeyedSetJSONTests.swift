import Testing
@testable import SpoofGuard
import SpoofGuardTestSupport

/// Why `compile --format json` refuses the bridge and ingress examples: their encapsulation
/// rules look a raw `@ll` load up in a set, and nft 1.0.6's JSON has no declaration for such a
/// set. Each form its parser could take is tried here with `nft -j -f`; the day the installed
/// nft reads one of them (nft's JSON learnt `{"typeof": …}` after 1.0.6), this fails and the
/// renderer can write that form and lift `RenderProblem.jsonProblems`.
@Suite(.tool(NftOracle.isAvailable, Comment(rawValue: NftOracle.unavailableReason)), .serialized)
struct RawKeyedSetJSONTests {
    /// The ingress example's JSON with each raw-keyed set's `"type"` replaced by `declaration(set)`.
    static func ingressJSON(_ declaration: (NamedSet, RawPayload) -> String) throws -> String {
        let ruleset = try GoldenRulesetTests.compiled("ingress")
        var json = NftJSONRenderer.render(ruleset)
        for table in ruleset.tables {
            for set in table.sets {
                guard let key = set.rawKey else { continue }
                let written = "\"name\": \"\(set.name)\", \"type\": \"integer\""
                #expect(json.contains(written), "the renderer's form of set \(set.name) changed")
                json = json.replacingOccurrences(of: written, with: "\"name\": \"\(set.name)\", \"type\": \(declaration(set, key))")
            }
        }
        return json
    }

    @Test(arguments: [
        // What the renderer writes (and what nft 1.0.6 itself lists for a typeof set).
        ("integer", #"Error: unqualified type integer specified in set definition. Try "typeof expression" instead of "type datatype"."#),
        // nft's later JSON form of a typeof set.
        ("typeof", "Error: Invalid set datatype."),
        // A concrete type of the load's length and byte order: the lookup's types differ.
        ("address type", "Error: datatype mismatch, expected integer, expression has type IPv"),
        ("one-member concatenation", "Error: can not use variable sized data types (integer) in concat expressions"),
    ])
    func nft106HasNoJSONDeclarationForARawKeyedSet(_ form: String, _ error: String) throws {
        let json = try Self.ingressJSON { set, key in
            switch form {
            case "integer": #""integer""#
            case "typeof": #"{"typeof": {"payload": {"base": "ll", "offset": \#(key.offset * 8), "len": \#(key.length * 8)}}}"#
            case "address type": key.length == 4 ? #""ipv4_addr""# : #""ipv6_addr""#
            default: #"["integer"]"#
            }
        }
        let script = NftOracle.devices + "for n in eth0 eth1; do ip link add $n type veth peer name x$n; done\n"
            + "nft -j -f \"$DIR/load.json\"\n"
        let output = try NftOracle.run(script, files: ["load.json": json])
        #expect(output.status != 0, "nft now loads raw-keyed sets declared as \(form): write them so and lift RenderProblem.jsonProblems")
        #expect(output.stderr.contains(error), "\(output.stderr)")
    }
}
