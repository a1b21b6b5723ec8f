// swift-tools-version:6.1
import PackageDescription

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
        .target(name: "SpoofGuardLab", dependencies: ["SpoofGuard", "SpoofGuardNetlink", "CSpoofGuardLab"]),
        .executableTarget(
            name: "spoofguard",
            dependencies: [
                "SpoofGuard",
                "SpoofGuardNetlink",
                "SpoofGuardLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Measures spoofguard beside tcpdump and nft; runs the built `spoofguard` beside it.
        .executableTarget(
            name: "spoofguard-bench",
            dependencies: ["SpoofGuard", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "SpoofGuardTests",
            dependencies: ["SpoofGuard"],
            // Test data read through #filePath, not bundled resources.
            exclude: ["Policy/Invalid", "Packets/Invalid"]
        ),
        .testTarget(name: "SpoofGuardNetlinkTests", dependencies: ["SpoofGuard", "SpoofGuardNetlink"]),
        .testTarget(name: "SpoofGuardLabTests", dependencies: ["SpoofGuard", "SpoofGuardLab"]),
        // Depends on the executable so that `swift test` builds the binary these tests run.
        .testTarget(name: "SpoofGuardCLITests", dependencies: ["SpoofGuard", "spoofguard", "spoofguard-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
