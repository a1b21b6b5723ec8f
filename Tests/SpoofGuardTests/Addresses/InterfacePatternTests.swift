import Testing
@testable import SpoofGuard

@Suite struct InterfacePatternTests {
    @Test func wildcardMatchesByPrefix() throws {
        let ppp = try InterfacePattern(parsing: "ppp*")
        #expect(ppp.isWildcard && ppp.stem == "ppp")
        #expect(ppp.matches("ppp0") && ppp.matches("ppp") && !ppp.matches("pp0"))
        #expect(ppp.exampleName == "ppp0")
        #expect(try InterfacePattern(parsing: "l*").matches("lo"))
        #expect(try InterfacePattern(parsing: "*").matches("anything"))
    }

    @Test(arguments: [
        ("", "is empty"), ("eth0/1", "\"/\""), ("eth 0", "whitespace"), ("a*b", "last character"),
        ("abcdefghijklmnop", "longer than 15"), ("eth0:1", "\":\""), ("..", "not a valid"), ("**", "last character"),
    ])
    func refusesWhatTheKernelRefuses(text: String, fragment: String) {
        #expect {
            try InterfacePattern(parsing: text)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test func fifteenBytesIsTheLimit() throws {
        #expect(try InterfacePattern(parsing: "abcdefghijklmno").stem.utf8.count == 15)
        #expect(try InterfacePattern(parsing: "abcdefghijklmno*").isWildcard)
    }

    @Test func overlapIsSymmetric() throws {
        let pairs: [(String, String, Bool)] = [("eth*", "eth0", true), ("eth*", "et*", true), ("eth0", "eth1", false),
                                               ("wan*", "lan*", false), ("lo", "l*", true)]
        for (a, b, expected) in pairs {
            let pa = try InterfacePattern(parsing: a)
            let pb = try InterfacePattern(parsing: b)
            #expect(pa.overlaps(pb) == expected && pb.overlaps(pa) == expected, "\(a) vs \(b)")
        }
    }
}
