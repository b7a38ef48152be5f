// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Dossier",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dossier", targets: ["DossierCLI"]),
        .library(name: "FHIRCore", targets: ["FHIRCore"]),
        .library(name: "FHIRPath", targets: ["FHIRPath"]),
        .library(name: "Access", targets: ["Access"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Search", targets: ["Search"]),
        .library(name: "SQLiteStore", targets: ["SQLiteStore"]),
        .library(name: "FHIRServer", targets: ["FHIRServer"]),
        .library(name: "DossierHTTP", targets: ["DossierHTTP"]),
        .library(name: "Auth", targets: ["Auth"]),
        .library(name: "Audit", targets: ["Audit"]),
        .library(name: "SQLiteAudit", targets: ["SQLiteAudit"]),
        .library(name: "Subscriptions", targets: ["Subscriptions"]),
        .library(name: "Summary", targets: ["Summary"]),
        .library(name: "Documents", targets: ["Documents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // Layer 1: lossless JSON, FHIR primitives, errors, R4 definitions as data.
        .target(name: "FHIRCore", resources: [.copy("Definitions")]),
        // Layer 2: FHIRPath parser and evaluator over the lossless JSON value.
        .target(name: "FHIRPath", dependencies: ["FHIRCore"]),
        // Layer 5: the shared-record rules as a pure decision function, and the default authorisation matrix.
        .target(name: "Access", dependencies: ["FHIRCore", "Store"], resources: [.copy("Resources")]),
        // Layer 5: the audit trail: records rendered as BALP AuditEvents, hash-chained; the AuditLog protocol.
        .target(name: "Audit", dependencies: [
            "FHIRCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The embedded audit log: its own SQLite file (audit.sqlite), append-only, group-committed, indexed search.
        .target(name: "SQLiteAudit", dependencies: [
            "Audit", "FHIRCore", "SQLiteDurability",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The durability settings every SQLite database of Dossier opens with (synchronous=FULL, read back).
        .target(name: "SQLiteDurability", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // bzip2 from the system (libbz2-dev), for importing .bz2 bundles.
        .systemLibrary(name: "CBZip2", path: "Sources/CBZip2"),
        // Layer 4: the verb-based store protocol and the query/operation values.
        .target(name: "Store", dependencies: ["FHIRCore"]),
        // Layer 3: index entries of every search parameter type, and the FHIR query parser producing Store's search model.
        .target(name: "Search", dependencies: ["FHIRCore", "FHIRPath", "Store"]),
        // Layer 4: the embedded SQLite backend (GRDB, WAL, synchronous=FULL, group commit).
        .target(name: "SQLiteStore", dependencies: [
            "Store", "FHIRCore", "SQLiteDurability",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API, for the writer's hot inserts (DirectStatement).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The store conformance suite, run by every backend's tests.
        .target(name: "StoreConformance", dependencies: ["Store", "FHIRCore"], path: "Tests/StoreConformance"),
        // Layer 6: R4 Subscriptions: the delivery log (subscriptions.sqlite), the dispatcher following the store's
        // changes, rest-hook posts with retries and HMAC signatures, the websocket protocol.
        .target(name: "Subscriptions", dependencies: [
            "FHIRCore", "Store", "Access", "SQLiteDurability",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Layer 6: the International Patient Summary (IPS `$summary`) built through the store under the actor's access filter.
        .target(name: "Summary", dependencies: ["FHIRCore", "Store", "Access"]),
        // Layer 7a: FHIR interactions as plain functions, no HTTP.
        // Layer 6: documents (IHE MHD): the content store by SHA-256, the ITI-65 rules, the DMP type/class codes.
        .target(name: "Documents", dependencies: [
            "FHIRCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources")]),
        // Layer 7a: FHIR interactions as plain functions, no HTTP.
        .target(name: "FHIRServer", dependencies: [
            "FHIRCore", "FHIRPath", "Search", "Store", "Access", "Audit", "Subscriptions", "Summary", "Documents",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Sign-in: the OAuth 2.0 / SMART authorisation server's logic and its own small database (no HTTP).
        .target(name: "Auth", dependencies: [
            "FHIRCore",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Layer 7b: the Hummingbird adapter (routing, content negotiation, headers, the SMART endpoints).
        .target(name: "DossierHTTP", dependencies: [
            "FHIRServer", "FHIRCore", "Store", "Auth", "Subscriptions", "Documents",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "DossierCLI", dependencies: [
            "Access", "Audit", "SQLiteAudit",
            "DossierHTTP", "Auth", "FHIRServer", "SQLiteStore", "Store", "FHIRCore", "CBZip2", "Subscriptions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The machine's ceiling for benchmarks: a bare Hummingbird endpoint and raw SQLite, measured in the same run.
        .executableTarget(name: "BenchCeiling", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "benchmarks/Ceiling"),
        .testTarget(name: "FHIRPathTests", dependencies: ["FHIRPath", "FHIRCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "FHIRCore", "FHIRPath", "Store"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AccessTests", dependencies: [
            "Access", "FHIRCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "FHIRCoreTests", dependencies: [
            "FHIRCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ], resources: [.copy("Fixtures")]),
        .testTarget(name: "SummaryTests", dependencies: ["Summary", "FHIRCore", "Store", "Access"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: [
            "SQLiteStore", "StoreConformance", "Store", "FHIRCore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "FHIRServerTests", dependencies: ["FHIRServer", "Search", "SQLiteStore", "Store", "FHIRCore", "Access", "Documents", "Subscriptions"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "FHIRCore"]),
        .testTarget(name: "DossierHTTPTests", dependencies: [
            "DossierHTTP", "Auth", "FHIRServer", "SQLiteStore", "FHIRCore", "SQLiteAudit", "Audit",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "AuditTests", dependencies: [
            "Audit", "SQLiteAudit", "FHIRCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SubscriptionsTests", dependencies: [
            "Subscriptions", "Store", "FHIRCore",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "AuthTests", dependencies: [
            "Auth",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ]
)
