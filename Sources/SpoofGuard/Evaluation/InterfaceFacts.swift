/// Which interface tests (`iifname` sets, single patterns, ingress device lists) an
/// interface name passes, worked out once per name: packets come from few interfaces, so
/// per packet this is one string comparison and a bit test.
struct InterfaceFacts {
    /// Bit i: the name passes test i (for the first 64 tests).
    var mask: UInt64
    /// The name and tests, for the rare ruleset with more than 64 distinct tests.
    var name: String
    var tests: [[InterfacePattern]]

    init(name: String, tests: [[InterfacePattern]]) {
        self.name = name
        self.tests = tests
        mask = 0
        for (index, patterns) in tests.prefix(64).enumerated() where patterns.contains(where: { $0.matches(name) }) {
            mask |= 1 << UInt64(index)
        }
    }

    func matches(_ test: Int) -> Bool {
        if test < 64 { return mask & (1 << UInt64(test)) != 0 }
        return tests[test].contains { $0.matches(name) }
    }
}

struct InterfaceFactsCache: Sendable {
    let tests: [[InterfacePattern]]
    private var last: (name: String, facts: InterfaceFacts)?
    private var known: [String: InterfaceFacts] = [:]

    init(tests: [[InterfacePattern]]) { self.tests = tests }

    mutating func facts(for name: String) -> InterfaceFacts {
        if let last, last.name == name { return last.facts }
        let facts = known[name] ?? InterfaceFacts(name: name, tests: tests)
        known[name] = facts
        last = (name, facts)
        return facts
    }
}

extension InterfaceFacts: @unchecked Sendable {}
