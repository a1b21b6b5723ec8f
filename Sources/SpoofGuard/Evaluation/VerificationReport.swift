/// The properties `verify` proves (see `Verifier`).
public enum VerifiedProperty: String, Hashable, Sendable, CaseIterable, Codable {
    case guardedSourcesDropped = "guarded-sources-dropped"
    case guardedDestinationsDropped = "guarded-destinations-dropped"
    case loopbackNeverFiltered = "loopback-never-filtered"
    case internalNeverFiltered = "internal-never-filtered"
    case noCollateralDamage = "no-collateral-damage"

    public var label: String {
        switch self {
        case .guardedSourcesDropped: "(a) every guarded source dropped"
        case .guardedDestinationsDropped: "(a) every guarded destination dropped"
        case .loopbackNeverFiltered: "(b) nothing on lo dropped"
        case .internalNeverFiltered: "(b) nothing on an internal interface dropped"
        case .noCollateralDamage: "(c) nothing unguarded dropped"
        }
    }
}

/// A packet that breaks a property, and what the evaluator (kernel checks off) does with it.
public struct Counterexample: Hashable, Sendable {
    public var packet: Packet
    public var verdict: PacketVerdict
    public var decider: Decider
    /// When the failure needs more than the addresses (e.g. a rate limit exceeded).
    public var condition: String?
}

/// Where the kernel's own checks would drop a guarded area as well (current kernel,
/// route_localnet off, routed path) — never counted towards the proof.
public struct KernelOverlap: Hashable, Sendable {
    public var dropsAll: Bool
    public var dropsSome: Bool
    /// The check that drops a typical packet of the area.
    public var typicalStage: KernelStage?
    /// Every check that drops some of it.
    public var stages: [KernelStage]
    /// A guarded packet the kernel would let through, if any.
    public var gapExample: Packet?
}

public struct PropertyResult: Hashable, Sendable {
    public var property: VerifiedProperty
    public var interfaceClass: InterfaceClass
    public var family: AddressFamily
    public var path: ReceivePath
    /// How the frame carries the packet: each encapsulation the hooks see wrapped is proved
    /// on its own (issue 14).
    public var encapsulation: LinkEncapsulation = .untagged
    /// How many sources and destinations the property quantifies over.
    public var sources: AddressCount
    public var destinations: AddressCount
    /// nil when the property is proved.
    public var counterexample: Counterexample?
    public var kernel: KernelOverlap?

    public var holds: Bool { counterexample == nil }
}

public struct VerificationReport: Hashable, Sendable {
    public var classes: [InterfaceClass]
    public var results: [PropertyResult]
    public var notes: [String]

    public var holds: Bool { results.allSatisfy(\.holds) }
    public var failures: [PropertyResult] { results.filter { !$0.holds } }
}

extension Packet {
    /// `wan0 127.0.0.1 -> 192.0.2.1 udp/53`, as verdict lines and counterexamples show a packet.
    public var displayText: String {
        var text = "\(inputInterface.name) \(source) -> \(destination)"
        if let transport {
            text += " \(transport)"
            if let destinationPort { text += "/\(destinationPort)" }
        }
        if encapsulation.isWrappedForHooks { text += " in \(encapsulation)" }
        return text
    }
}

extension VerificationReport {
    /// The human-readable report: PROVED or FAILED, the classes, one line per check.
    public var text: String {
        var lines: [String] = []
        let checks = results.count
        if holds {
            lines.append("PROVED: \(checks) checks over \(classes.count) interface classes, IPv4 and IPv6, every address")
        } else {
            lines.append("FAILED: \(failures.count) of \(checks) checks have a counterexample")
        }
        lines.append("interface classes: " + classes.map(\.description).joined(separator: ", "))
        for property in VerifiedProperty.allCases {
            let matching = results.filter { $0.property == property }
            guard !matching.isEmpty else { continue }
            lines.append(property.label + (property == .guardedSourcesDropped || property == .guardedDestinationsDropped
                                            ? ", kernel checks off:" : ":"))
            for result in matching { lines.append("  " + result.line) }
        }
        for note in notes { lines.append("note: " + note) }
        return lines.joined(separator: "\n")
    }
}

extension PropertyResult {
    var line: String {
        let scope = "\(interfaceClass) \(family) \(path)" + (encapsulation == .untagged ? "" : " \(encapsulation)")
        guard holds else {
            let example = counterexample!
            var text = "FAIL \(scope): counterexample \(example.packet.displayText) is \(example.verdict.rawValue)"
            text += example.decider == .nobody ? "" : " by \(example.decider)"
            if let condition = example.condition { text += " (\(condition))" }
            return text
        }
        let bits = family == .ipv4 ? 32 : 128
        var text = "ok   \(scope): \(sources.text(ofSpace: bits)) sources × \(destinations.text(ofSpace: bits)) destinations"
        if let kernel {
            let stage = kernel.typicalStage.map { " (\($0))" } ?? ""
            if kernel.dropsAll {
                text += "; the kernel drops them too\(stage)"
            } else if let gap = kernel.gapExample {
                text += kernel.dropsSome ? "; the kernel drops some too\(stage), not e.g. \(gap.displayText)"
                                         : "; the kernel alone would not drop them, e.g. \(gap.displayText)"
            }
        }
        return text
    }
}

extension AddressCount {
    /// Large counts near the whole space read better as `2^32 - 2^24` than as 4278190080.
    func text(ofSpace bits: Int) -> String {
        let full: UInt128 = bits == 128 ? .max : (1 << UInt128(bits)) - 1   // size - 1
        if isFullIPv6Space { return "2^128" }
        guard value > full / 2, value <= full else { return description }
        let missing = full - value + 1
        if missing == 0 { return "2^\(bits)" }
        return "2^\(bits) - " + AddressCount(missing).description
    }
}
