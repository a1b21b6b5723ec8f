// swift-tools-version:6.1
import PackageDescription

/// Release builds of `spoofguard` link the Swift runtime and libraries statically on Linux:
/// loading and relocating libswiftCore, Foundation and ICU dynamically cost ≈ 6 ms of every
/// run's start. It uses FoundationEssentials (through swift-argument-parser), not Foundation,
/// whose static archive needs CoreFoundation and ICU; FoundationEssentials' own dependencies are
/// named because the driver does not add them. Not debug builds: under `--sanitize=address`
/// LeakSanitizer takes the static runtime's caches for leaks and fails every run. The bench
/// measures other processes and stays dynamic.
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims"], .when(platforms: [.linux], configuration: .release)),
]

let systemPackage = Target.Dependency.product(name: "SystemPackage", package: "swift-system")

let package = Package(
    name: "spoofguard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "spoofguard", targets: ["spoofguard"]),
        .executable(name: "spoofguard-bench", targets: ["spoofguard-bench"]),
        .library(name: "SpoofGuard", targets: ["SpoofGuard"]),
        .library(name: "SpoofGuardNetlink", targets: ["SpoofGuardNetlink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // Pure Swift: addresses, policy, the nftables IR, compiler, renderers, packets,
        // evaluator and verifier. No C, no syscalls beyond reading files.
        .target(name: "SpoofGuard"),
        // The system plumbing every other target shares, one copy each: spawning a program,
        // running a thread inside a network namespace; errno as swift-system's `Errno`.
        // `CSpoofGuardSystem` holds the two glibc calls Swift's Glibc module hides.
        .target(name: "CSpoofGuardSystem"),
        .target(name: "SpoofGuardSystem", dependencies: ["SpoofGuard", "CSpoofGuardSystem", systemPackage]),
        // libnftnl + libmnl, and nothing else. Only SpoofGuardNetlink imports it.
        .systemLibrary(
            name: "CNetfilter",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]
        ),
        .target(name: "SpoofGuardNetlink", dependencies: ["SpoofGuard", "SpoofGuardSystem", "CNetfilter", systemPackage]),
        // The kernel lab behind `spoofguard try` and the kernel-agreement tests: throwaway
        // network namespaces, veth links, frame injection, kernel counters. Needs CAP_NET_ADMIN.
        .target(name: "CSpoofGuardLab"),
        .target(name: "SpoofGuardLab", dependencies: ["SpoofGuard", "SpoofGuardSystem", "SpoofGuardNetlink", "SpoofGuardRuntime", "CSpoofGuardLab", systemPackage]),
        // spoofguard's runtime directory: checked before use, locks that die with their holder,
        // the pending state of `apply --revert-after` and the start of its revert process, the
        // element record. Files and processes, no kernel tables.
        .target(name: "SpoofGuardRuntime", dependencies: ["SpoofGuard", "SpoofGuardSystem", systemPackage]),
        .executableTarget(
            name: "spoofguard",
            dependencies: [
                "SpoofGuard",
                "SpoofGuardNetlink",
                "SpoofGuardLab",
                "SpoofGuardRuntime",
                "SpoofGuardSystem",
                systemPackage,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: staticSwiftRuntime
        ),
        // Measures spoofguard beside tcpdump and nft; runs the built `spoofguard` beside it.
        .executableTarget(
            name: "spoofguard-bench",
            dependencies: ["SpoofGuard", "SpoofGuardLab", "SpoofGuardSystem", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test-only: the conditions under which kernel and tool suites run (see .ci/run).
        // Also the tests' one process runner and one namespace helper.
        .target(name: "SpoofGuardTestSupport", dependencies: ["SpoofGuardSystem"], path: "Tests/SpoofGuardTestSupport"),
        .testTarget(
            name: "SpoofGuardTests",
            dependencies: ["SpoofGuard", "SpoofGuardTestSupport"],
            // Test data read through #filePath, not bundled resources.
            exclude: ["Policy/Invalid", "Packets/Invalid", "Golden"]
        ),
        .testTarget(name: "SpoofGuardSystemTests", dependencies: ["SpoofGuard", "SpoofGuardSystem", "SpoofGuardTestSupport", systemPackage]),
        .testTarget(name: "SpoofGuardNetlinkTests", dependencies: ["SpoofGuard", "SpoofGuardNetlink", "SpoofGuardTestSupport", systemPackage]),
        .testTarget(name: "SpoofGuardLabTests", dependencies: ["SpoofGuard", "SpoofGuardLab", "SpoofGuardRuntime", "SpoofGuardSystem", "SpoofGuardTestSupport", systemPackage]),
        .testTarget(name: "SpoofGuardRuntimeTests", dependencies: ["SpoofGuardRuntime", "SpoofGuardSystem", "SpoofGuardTestSupport"]),
        // Runs the built `spoofguard` and `spoofguard-bench` binaries, which `swift test` builds
        // with every other target. Not a dependency on `spoofguard`: a test bundle depending on
        // an executable links that executable's code, and with it the static runtime flags.
        .testTarget(name: "SpoofGuardCLITests", dependencies: ["SpoofGuard", "SpoofGuardLab", "SpoofGuardSystem", "SpoofGuardTestSupport", "spoofguard-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
