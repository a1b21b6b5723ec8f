/// Which interface tests (`iifname` sets, single patterns, ingress device lists) an
/// interface name passes, as one bit per test, worked out once per name: packets come from
/// few interfaces, so per packet this is a string comparison and a bit test.
struct InterfaceFacts: Sendable {
    /// The kernel-side limit is far higher; spoofguard's own tables use two or three tests.
    static let maximumTests = 64

    /// Bit i: the name passes test i.
    var mask: UInt64

    init(name: String, tests: [[InterfacePattern]]) {
        mask = 0
        for (index, patterns) in tests.enumerated() where patterns.contains(where: { $0.matches(name) }) {
            mask |= 1 << UInt64(index)
        }
    }

    func matches(_ test: Int) -> Bool { mask & (1 << UInt64(test)) != 0 }
}

struct InterfaceFactsCache: Sendable {
    let tests: [[InterfacePattern]]
    /// The few names seen most recently, checked by plain comparison before any hashing.
    private var recent: [(name: String, facts: InterfaceFacts)] = []
    private var known: [String: InterfaceFacts] = [:]

    init(tests: [[InterfacePattern]]) { self.tests = tests }

    mutating func facts(for name: String) -> InterfaceFacts {
        for entry in recent where entry.name == name { return entry.facts }
        let facts: InterfaceFacts
        if let cached = known[name] {
            facts = cached
        } else {
            facts = InterfaceFacts(name: name, tests: tests)
            known[name] = facts
        }
        if recent.count == 8 { recent.removeFirst() }
        recent.append((name, facts))
        return facts
    }
}
