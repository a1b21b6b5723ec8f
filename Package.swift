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
    ],
    targets: [
        // Pure Swift: addresses, policy, the nftables IR, compiler, renderers, packets,
        // evaluator and verifier. No C, no syscalls beyond reading files.
        .target(name: "SpoofGuard"),
        // libnftnl + libmnl, and nothing else. Only SpoofGuardNetlink imports it.
        .systemLibrary(
            name: "CNetfilter",
            pkgConfig: "libnftnl",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]
        ),
        .target(name: "SpoofGuardNetlink", dependencies: ["SpoofGuard", "CNetfilter"]),
        // The kernel lab behind `spoofguard try` and the kernel-agreement tests: throwaway
        // network namespaces, veth links, frame injection, kernel counters. Needs CAP_NET_ADMIN.
        .target(name: "CSpoofGuardLab"),
        .target(name: "SpoofGuardLab", dependencies: ["SpoofGuard", "SpoofGuardNetlink", "SpoofGuardRuntime", "CSpoofGuardLab"]),
        // spoofguard's runtime directory: checked before use, locks that die with their holder,
        // the pending state of `apply --revert-after`, the element record. Files and processes,
        // no kernel tables.
        .target(name: "SpoofGuardRuntime", dependencies: ["SpoofGuard"]),
        .executableTarget(
            name: "spoofguard",
            dependencies: [
                "SpoofGuard",
                "SpoofGuardNetlink",
                "SpoofGuardLab",
                "SpoofGuardRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: staticSwiftRuntime
        ),
        // Measures spoofguard beside tcpdump and nft; runs the built `spoofguard` beside it.
        .executableTarget(
            name: "spoofguard-bench",
            dependencies: ["SpoofGuard", "SpoofGuardLab", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test-only: the conditions under which kernel and tool suites run (see .ci/run).
        .target(name: "SpoofGuardTestSupport", path: "Tests/SpoofGuardTestSupport"),
        .testTarget(
            name: "SpoofGuardTests",
            dependencies: ["SpoofGuard", "SpoofGuardTestSupport"],
            // Test data read through #filePath, not bundled resources.
            exclude: ["Policy/Invalid", "Packets/Invalid", "Golden"]
        ),
        .testTarget(name: "SpoofGuardNetlinkTests", dependencies: ["SpoofGuard", "SpoofGuardNetlink", "SpoofGuardTestSupport"]),
        .testTarget(name: "SpoofGuardLabTests", dependencies: ["SpoofGuard", "SpoofGuardLab", "SpoofGuardRuntime", "SpoofGuardTestSupport"]),
        .testTarget(name: "SpoofGuardRuntimeTests", dependencies: ["SpoofGuardRuntime", "SpoofGuardTestSupport"]),
        // Runs the built `spoofguard` and `spoofguard-bench` binaries, which `swift test` builds
        // with every other target. Not a dependency on `spoofguard`: a test bundle depending on
        // an executable links that executable's code, and with it the static runtime flags.
        .testTarget(name: "SpoofGuardCLITests", dependencies: ["SpoofGuard", "SpoofGuardLab", "SpoofGuardTestSupport", "spoofguard-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
