import Testing
@testable import SpoofGuard

@Suite("Policy decoding: every problem with its path and fix")
struct PolicyProblemTests {
    @Test func unknownKeyGetsASpellingSuggestion() {
        #expect(problemLines(#"{"version": 1, "actoin": {}}"#) == [#"$.actoin: unknown key; did you mean "action"?"#])
        #expect(problemLines(#"{"version": 1, "guard": {"sources": []}}"#) == [#"$.guard.sources: unknown key; did you mean "source"?"#])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"limit": "1/second"}}}"#)
                == [#"$.action.log.limit: unknown key; the keys allowed here are "prefix", "rate", "group""#])
    }

    @Test func unknownKeysThatAreNotIdentifiersAreQuotedInThePath() {
        #expect(problemLines(#"{"version": 1, "ex ternal": []}"#).first?.hasPrefix(#"$["ex ternal"]: unknown key"#) == true)
    }

    @Test func versionMustBeOne() {
        #expect(problemLines(#"{"table": "x"}"#) == [#"$.version: missing; a policy starts with "version": 1 (the format version)"#])
        #expect(problemLines(#"{"version": 2, "future": true}"#) == ["$.version: must be 1: this spoofguard reads policy format version 1 only, not 2"])
        #expect(problemLines(#"{"version": "1"}"#) == [#"$.version: must be the number 1, not the string "1""#])
        #expect(problemLines(#"{"version": 1.0}"#) == ["$.version: must be the integer 1, written without a fraction or exponent (not 1.0)"])
        #expect(problemLines(#"{"version": null}"#) == ["$.version: must be the number 1, not null"])
    }

    @Test func documentMustBeAnObject() {
        #expect(problemLines("[1]") == ["$: must be a policy (a JSON object), not a list"])
    }

    @Test func duplicateKeysAtEveryLevel() {
        let lines = problemLines("""
            {"version": 1, "table": "a",
             "guard": {"source": [], "source": ["loopback"]},
             "table": "b"}
            """)
        #expect(lines == [
            "$.guard.source: appears more than once (first at line 2, column 12); keep one: a key given twice is ambiguous",
            "$.table: appears more than once (first at line 1, column 16); keep one: a key given twice is ambiguous",
        ])
    }

    @Test func wrongTypes() {
        #expect(problemLines(#"{"version": 1, "external": "eth0"}"#) == [#"$.external: must be a list of interface names, not a string; write ["eth0"]"#])
        #expect(problemLines(#"{"version": 1, "table": 7}"#) == ["$.table: must be a table name (a string), not a number"])
        #expect(problemLines(#"{"version": 1, "action": {"counter": "yes"}}"#) == [#"$.action.counter: must be true or false, not a string ("yes")"#])
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["loopback", 127]}}"#) == ["$.guard.source[1]: must be a catalog name or prefix (a string), not a number"])
        #expect(problemLines(#"{"version": 1, "action": []}"#) == ["$.action: must be the action (a JSON object), not a list"])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"group": -1}}}"#) == ["$.action.log.group: must be a whole number from 0 to 65535, not -1"])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"group": 1.5}}}"#) == ["$.action.log.group: must be a whole number from 0 to 65535, not 1.5"])
    }

    @Test func tableNames() {
        #expect(problemLines(#"{"version": 1, "table": "drop"}"#) == [#"$.table: "drop" is an nft keyword, which nft cannot parse as a table name; choose another name such as "spoofguard""#])
        #expect(problemLines(#"{"version": 1, "table": "1st"}"#) == [#"$.table: "1st" must start with a letter (A-Z, a-z), as nft identifiers do"#])
        #expect(problemLines(#"{"version": 1, "table": "my table"}"#) == [#"$.table: "my table" contains whitespace; a table name holds only letters, digits, "_" and "-""#])
        #expect(problemLines(#"{"version": 1, "table": ""}"#) == [#"$.table: is empty; omit "table" for the default "spoofguard""#])
        #expect(problemLines(#"{"version": 1, "table": "\#(String(repeating: "a", count: 65))"}"#) == ["$.table: is longer than 64 characters"])
    }

    @Test func loopbackCannotBeExternal() {
        #expect(problemLines(#"{"version": 1, "external": ["eth0", "lo"]}"#)
                == [#"$.external[1]: "lo" would cut the host off from itself: lo is always internal; remove it"#])
        for pattern in ["l*", "*", "lo*"] {
            #expect(problemLines(#"{"version": 1, "external": ["\#(pattern)"]}"#)
                    == [#"$.external[0]: "\#(pattern)" matches "lo" and would cut the host off from itself: lo is always internal; remove it"#])
        }
    }

    @Test func externalListRules() {
        #expect(problemLines(#"{"version": 1, "external": []}"#)
                == [#"$.external: is empty, so nothing would be guarded; list the interfaces to guard, or omit "external" to guard every interface except the internal ones"#])
        #expect(problemLines(#"{"version": 1, "external": ["eth0", "wan*", "eth0"]}"#)
                == [#"$.external[2]: "eth0" is listed twice (also at $.external[0]); remove one"#])
        #expect(problemLines(#"{"version": 1, "external": ["this-name-is-too-long"]}"#)
                == [#"$.external[0]: "this-name-is-too-long" is longer than 15 bytes, the kernel's limit"#])
        #expect(problemLines(#"{"version": 1, "external": ["eth/0"]}"#)
                == [#"$.external[0]: "eth/0" contains "/", which interface names cannot hold"#])
    }

    @Test func externalOverlappingInternalNamesBoth() {
        #expect(problemLines(#"{"version": 1, "external": ["br*", "eth0"], "internal": ["lo", "br-lan"]}"#)
                == [#"$.external[0]: "br*" overlaps the internal interface "br-lan" ($.internal[1]); an interface is either guarded or internal, remove one of them"#])
    }

    @Test func overlappingPatternsInOneListAreRefused() {
        #expect(problemLines(#"{"version": 1, "external": ["eth*", "wan0", "eth0"]}"#)
                == [#"$.external[2]: "eth0" is already covered by "eth*" ($.external[0]); remove it: an interface set cannot hold overlapping entries (nft: conflicting intervals)"#])
        #expect(problemLines(#"{"version": 1, "external": ["eth0", "et*"]}"#)
                == [#"$.external[1]: "et*" covers "eth0" ($.external[0]); remove "eth0": an interface set cannot hold overlapping entries (nft: conflicting intervals)"#])
        #expect(problemLines(#"{"version": 1, "internal": ["br*", "br-lan"]}"#).count == 1)
        #expect(problemLines(#"{"version": 1, "internal": ["l*"]}"#)
                == [#"$.internal[0]: "l*" also matches "lo", which is always internal, and an interface set cannot hold overlapping entries; name the interfaces without covering lo"#])
        // Neighbours that share a stem but not a name are fine.
        #expect((try? decodePolicy(#"{"version": 1, "external": ["eth0", "eth1", "eth10", "wan*", "wb0"]}"#).get()) != nil)
        #expect((try? decodePolicy(#"{"version": 1, "internal": ["lo", "lan*"]}"#).get()) != nil)
    }

    @Test func internalWildcardForEverythingGuardsNothing() {
        #expect(problemLines(#"{"version": 1, "internal": ["*"]}"#)
                == [#"$.internal[0]: "*" makes every interface internal, so with "external" omitted nothing would be guarded; name the internal interfaces instead"#])
        #expect(problemLines(#"{"version": 1, "internal": ["br0", "br0"]}"#)
                == [#"$.internal[1]: "br0" is listed twice (also at $.internal[0]); remove one"#])
    }

    @Test func ingressNeedsExternalNamesOrPrefixes() {
        #expect(problemLines(#"{"version": 1, "hooks": ["prerouting", "ingress"]}"#)
                == [#"$.hooks[1]: "ingress" needs an explicit "external" list of interface names: an ingress chain is bound to existing devices by name and cannot mean "every interface except the internal ones"; list the devices in "external", or use "prerouting""#])
        // A prefix is the kernel's to accept or refuse (NFTA_DEVICE_PREFIX): apply probes it.
        #expect(problemLines(#"{"version": 1, "external": ["eth0", "wan*"], "hooks": ["ingress"]}"#) == ["<valid>: the policy was accepted"])
    }

    @Test func ingressDeviceCountIsBoundedByTheKernel() {
        let names = { (count: Int) in (0..<count).map { "\"veth\($0)\"" }.joined(separator: ", ") }
        #expect((try? decodePolicy(#"{"version": 1, "external": [\#(names(256))], "hooks": ["ingress"]}"#).get()) != nil)
        #expect(problemLines(#"{"version": 1, "external": [\#(names(257))], "hooks": ["ingress"]}"#)
                == [#"$.external: lists 257 devices, but the ingress hook ($.hooks[0]) binds one netdev chain to all of them and the kernel accepts at most 256 devices per chain (NFT_NETDEVICE_MAX); use "prerouting" for this many interfaces"#])
        #expect((try? decodePolicy(#"{"version": 1, "external": [\#(names(257))]}"#).get()) != nil)
    }

    @Test func hookList() {
        #expect(problemLines(#"{"version": 1, "hooks": ["prerouting", "ingres"]}"#) == [#"$.hooks[1]: "ingres" is not a hook; did you mean "ingress"?"#])
        #expect(problemLines(#"{"version": 1, "hooks": ["forward"]}"#) == [#"$.hooks[0]: "forward" is not a hook; the hooks are "prerouting", "ingress", "bridge""#])
        #expect(problemLines(#"{"version": 1, "hooks": ["bridge", "bridge"]}"#) == [#"$.hooks[1]: "bridge" is listed twice (also at $.hooks[0]); remove one"#])
        #expect(problemLines(#"{"version": 1, "hooks": []}"#).first?.hasPrefix("$.hooks: is empty, so the guard would sit nowhere") == true)
    }

    @Test func guardEntries() {
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["127.0.0.1/8"]}}"#)
                == [#"$.guard.source[0]: "127.0.0.1/8" has host bits set; did you mean "127.0.0.0/8"?"#])
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["loopbak"]}}"#)
                == [#"$.guard.source[0]: "loopbak" is neither a catalog nor a prefix; did you mean "loopback"?"#])
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["bogons"]}}"#)
                == [#"$.guard.source[0]: "bogons" is neither a catalog nor a prefix; the catalogs are "loopback", "loopback-mapped", "martians", "unspecified", or write a prefix such as "127.0.0.0/8""#])
        #expect(problemLines(#"{"version": 1, "guard": {"destination": ["fe80::1%eth0"]}}"#)
                == [#"$.guard.destination[0]: "fe80::1%eth0" has a zone id, which a firewall prefix cannot carry; did you mean "fe80::1"?"#])
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["0177.0.0.1"]}}"#).first?.contains("leading zero") == true)
        #expect(problemLines(#"{"version": 1, "guard": {"source": ["loopback", "::1/128", "::1"]}}"#)
                == [#"$.guard.source[2]: "::1" is listed twice (also at $.guard.source[1]); remove one"#])
        #expect(problemLines(#"{"version": 1, "guard": {"source": [], "destination": []}}"#).first?.hasPrefix("$.guard: guards nothing") == true)
    }

    @Test func legitimateSourcesAreRefused() {
        let catalog = problemLines(#"{"version": 1, "guard": {"source": ["loopback", "unspecified"]}}"#)
        #expect(catalog.count == 1)
        #expect(catalog.first?.hasPrefix(#"$.guard.source[1]: the "unspecified" catalog cannot be used in guard.source: it would drop 0.0.0.0/8 and :: as sources"#) == true)
        #expect(catalog.first?.contains("DHCP") == true)
        for literal in ["0.0.0.0/8", "0.0.0.1", "0.0.0.0/0", "::", "::/96", "::/0"] {
            let lines = problemLines(#"{"version": 1, "guard": {"source": ["\#(literal)"]}}"#)
            #expect(lines.count == 1, "\(literal)")
            #expect(lines.first?.hasPrefix(#"$.guard.source[0]: "\#(literal)" covers "#) == true, "\(literal)")
            #expect(lines.first?.contains("legitimate source") == true, "\(literal)")
        }
        // Neighbours of the protected blocks are fine.
        #expect((try? decodePolicy(#"{"version": 1, "guard": {"source": ["1.0.0.0/8", "::2/127", "::127.0.0.0/104"]}}"#).get()) != nil)
    }

    @Test func martiansAreSourceOnly() {
        let lines = problemLines(#"{"version": 1, "guard": {"destination": ["martians"]}}"#)
        #expect(lines.first?.hasPrefix(#"$.guard.destination[0]: the "martians" catalog cannot be used in guard.destination"#) == true)
    }

    @Test func actionProblems() {
        #expect(problemLines(#"{"version": 1, "action": {"verdict": "dorp"}}"#)
                == [#"$.action.verdict: "dorp" is not a verdict; use "drop" or "reject"; did you mean "drop"?"#])
        #expect(problemLines(#"{"version": 1, "action": {"verdict": "accept"}}"#)
                == [#"$.action.verdict: "accept" is not a verdict; use "drop" or "reject""#])
    }

    @Test func logProblems() {
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "10/minutes"}}}"#)
                == [#"$.action.log.rate: "10/minutes": "minutes" is not a unit; did you mean "10/minute"?"#])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "0/second"}}}"#)
                == [#"$.action.log.rate: "0/second": the number must be from 1 to 1000000; write a whole number of at least 1, "/", and one of second, minute, hour, day, e.g. "10/minute""#])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "ten/second"}}}"#).first?.contains("does not start with a whole number") == true)
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "10"}}}"#).first?.contains(#""10" is not a rate"#) == true)
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "010/second"}}}"#) == [#"$.action.log.rate: "010/second": write the number without leading zeros"#])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "10 / second"}}}"#).first?.contains("does not start with a whole number") == true)
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "+5/second"}}}"#).first?.contains("does not start with a whole number") == true)
        #expect(problemLines(#"{"version": 1, "action": {"log": {"rate": "1/week"}}}"#).first?.contains(#""week" is not a unit"#) == true)
        #expect(problemLines(#"{"version": 1, "action": {"log": {"prefix": "\#(String(repeating: "x", count: 128))"}}}"#)
                == ["$.action.log.prefix: is 128 bytes long; the kernel keeps at most 127 (NF_LOG_PREFIXLEN), shorten it"])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"prefix": "a\nfake: line"}}}"#)
                == ["$.action.log.prefix: contains a control character, which would garble or forge log lines; remove it"])
        #expect(problemLines(#"{"version": 1, "action": {"log": {"prefix": "say \"hi\""}}}"#)
                == ["$.action.log.prefix: contains a double quote, which nft text cannot hold in a string; remove it"])
    }

    @Test func everyProblemAtOnceInDocumentOrder() {
        let found = problems("""
            {
              "version": 1,
              "actoin": {},
              "table": "drop",
              "external": ["lo", "eth0", "eth0"],
              "guard": {"source": ["loopbak", "127.0.0.1/8"], "destination": ["martians"]},
              "action": {"verdict": "dorp", "log": {"rate": "10/minutes", "group": 70000}},
              "hooks": ["prerouting", "ingres"]
            }
            """)
        #expect(found.map(\.path) == [
            "$.actoin", "$.table", "$.external[0]", "$.external[2]",
            "$.guard.source[0]", "$.guard.source[1]", "$.guard.destination[0]",
            "$.action.verdict", "$.action.log.rate", "$.action.log.group", "$.hooks[1]",
        ])
        #expect(found.map(\.line) == [3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8])
        #expect(found[0].column == 3)
    }

    @Test func longUserTextIsShortenedInMessages() {
        let long = String(repeating: "x", count: 100_000)
        let lines = problemLines(#"{"version": 1, "\#(long)": 1, "external": ["\#(long)"], "hooks": ["\#(long)"], "guard": {"source": ["1\#(long)"]}}"#)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.count < 400 }, "\(lines.map(\.count))")
        #expect(lines.contains(#"$.guard.source[0]: "1\#(String(repeating: "x", count: 78))…" is 100001 bytes long, too long for a prefix; write a prefix such as "127.0.0.0/8" or "::1/128""#))
    }

    @Test func problemCountIsBounded() throws {
        let entries = (0..<500).map { _ in "\"127.0.0.1/8\"" }.joined(separator: ", ")
        let error = try #require(decodePolicy(#"{"version": 1, "guard": {"source": [\#(entries)]}}"#).failure)
        #expect(error.problems.count == PolicyError.maximumProblems)
        #expect(error.omittedProblemCount == 500 - PolicyError.maximumProblems)
        #expect(error.description.hasSuffix("test.json: … and 400 more problems"))
    }

    @Test func errorDescriptionAndExitCode() throws {
        let error = try #require(decodePolicy(#"{"version": 1, "table": "drop", "hooks": "bridge"}"#, source: "/etc/sg.json").failure)
        #expect(error.exitCode == 65)
        #expect(error.source == "/etc/sg.json")
        #expect(error.description == """
            /etc/sg.json: $.table: "drop" is an nft keyword, which nft cannot parse as a table name; choose another name such as "spoofguard"
            /etc/sg.json: $.hooks: must be a list of hooks, not a string; write ["bridge"]
            """)
    }

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let error = try #require(decodePolicy("{\n  \"version\": 1,\n  \"table\": \"x\",\n}", source: "p.json").failure)
        #expect(error.description == #"p.json:4:1: trailing comma before "}"; JSON does not allow one"#)
        #expect(error.problems == [PolicyProblem(path: "", message: #"trailing comma before "}"; JSON does not allow one"#, line: 4, column: 1)])
        #expect(error.exitCode == 65)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
