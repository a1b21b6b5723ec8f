import Foundation

/// Issue 19's scale targets: an unchanged re-apply and `status` of one policy with 900,002
/// guarded prefixes, each ≤ 5 s and ≤ 1 GB peak RSS, reading every set element (no element
/// record: an empty runtime directory; `status --elements`), as after someone else's commit. Beside
/// them the kernel's own floor: `nft list set` dumping the largest set of the same table, the
/// dump that both operations cannot skip (an interval-set dump restarts its walk for every
/// 32 KiB of reply, so it grows with the square of the set).
enum ScaleBenchmark {
    static let targetSeconds = 5.0
    static let targetKilobytes = 1 << 20

    struct Usage {
        var seconds: Double
        var user: Double
        var system: Double
        var peakKilobytes: Int
    }

    /// Runs `arguments` as the only child of a python3 helper, whose `RUSAGE_CHILDREN` is then
    /// exactly that child's: wall time, CPU in user space and in the kernel, and peak RSS.
    static func measure(_ arguments: [String]) throws -> Usage {
        let script = """
            import json, resource, subprocess, sys, time
            start = time.monotonic()
            code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
            wall = time.monotonic() - start
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            print(json.dumps([code, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss]))
            """
        let run = try Measure.succeed(["python3", "-c", script] + arguments)
        guard let values = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [NSNumber], values.count == 5 else {
            throw BenchmarkFailure("could not read the measurement of `\(arguments.joined(separator: " "))`: \(run.standardOutput)")
        }
        guard values[0].int32Value == 0 else {
            throw BenchmarkFailure("`\(arguments.joined(separator: " "))` exited \(values[0]): \(run.standardError.prefix(400))")
        }
        return Usage(seconds: values[1].doubleValue, user: values[2].doubleValue, system: values[3].doubleValue,
                     peakKilobytes: values[4].intValue)
    }

    static func verdict(_ usage: Usage) -> String {
        let time = usage.seconds <= targetSeconds, memory = usage.peakKilobytes <= targetKilobytes
        if time && memory { return "met" }
        return "missed (" + [time ? nil : "time", memory ? nil : "memory"].compactMap { $0 }.joined(separator: ", ") + ")"
    }

    static func run(_ context: BenchContext) throws -> Table {
        var table = Table(title: "scale: one large policy, unchanged re-apply and status (private namespace)",
                          header: ["guarded prefixes", "operation", "wall", "user", "kernel", "peak RSS", "≤ 5 s and ≤ 1 GB"])
        guard context.isRoot else {
            table.notes.append("Skipped: creating network namespaces needs root.")
            return table
        }
        let extra = context.quick ? 993 : 899_995
        let policy = context.path("scale.json")
        try Inputs.write(Inputs.policy(extraPrefixes: extra), to: policy)
        try context.withNamespace { namespace in
            try Measure.succeed([context.spoofguard, "apply", policy, "--netns", namespace])
            let empty = context.path("runtime-scale-empty")
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let operations: [(String, [String])] = [
                ("`spoofguard apply`, unchanged, no element record",
                 [context.spoofguard, "apply", policy, "--netns", namespace, "--runtime-dir", empty]),
                ("`spoofguard status --elements`", [context.spoofguard, "status", "--elements", "--netns", namespace]),
                ("kernel floor: `nft list set … source_ipv4`", ["ip", "netns", "exec", namespace, "nft", "list", "set", "inet", "spoofguard", "source_ipv4"]),
            ]
            for (name, arguments) in operations {
                let usage = try measure(arguments)
                table.rows.append([Format.count(extra + 7), name, Format.seconds(usage.seconds), Format.seconds(usage.user),
                                   Format.seconds(usage.system), String(format: "%.0f MB", Double(usage.peakKilobytes) / 1024),
                                   name.hasPrefix("kernel") ? "—" : verdict(usage)])
            }
        }
        table.notes.append("One round (each row takes about a minute at full size). `kernel` is system time: the element dump, "
                           + "which an unchanged re-apply must read to prove the elements when its element record cannot "
                           + "(someone committed since; here: an empty runtime directory) and `status --elements` reads to show them; "
                           + "the floor row is nft dumping the largest set alone. With the record, see the `unchanged` part.")
        return table
    }
}
