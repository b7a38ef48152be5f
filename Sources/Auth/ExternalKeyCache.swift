import AsyncHTTPClient
import Foundation
import JWTKit

/// The verification keys of external issuers: each JWKS is fetched (with AsyncHTTPClient unless a test supplies
/// another fetcher), kept for `maximumAge`, and fetched again early when a token names a `kid` the cached set lacks
/// (key rotation), at most once a minute per issuer.
public actor ExternalKeyCache {
    /// Fetches the bytes at a URL.
    public typealias Fetcher = @Sendable (String) async throws -> [UInt8]

    struct Entry {
        var keys: JWTKeyCollection
        var kids: Set<String>
        var fetchedAt: Date
    }

    private let fetch: Fetcher
    private let maximumAge: TimeInterval
    private var entries: [String: Entry] = [:]

    /// A cache using `fetch` (default: an HTTP GET with the shared AsyncHTTPClient, 10 s timeout, 1 MiB limit).
    public init(maximumAge: TimeInterval = 3600, fetch: @escaping Fetcher = ExternalKeyCache.httpGet) {
        self.fetch = fetch
        self.maximumAge = maximumAge
    }

    /// The keys of `issuer`, refreshed if stale or if `kid` is unknown.
    func keys(for issuer: ExternalIssuer, kid: String?, now: Date) async throws -> JWTKeyCollection {
        if let entry = entries[issuer.issuer] {
            let fresh = now.timeIntervalSince(entry.fetchedAt) < maximumAge
            let knowsKid = kid.map(entry.kids.contains) ?? true
            let mayRefetch = now.timeIntervalSince(entry.fetchedAt) > 60
            if fresh && (knowsKid || !mayRefetch) { return entry.keys }
        }
        let bytes = try await fetch(issuer.jwksURL)
        let jwks = try JSONDecoder().decode(JWKS.self, from: Data(bytes))
        let keys = try await JWTKeyCollection().add(jwks: jwks)
        entries[issuer.issuer] = Entry(keys: keys, kids: Set(jwks.keys.compactMap { $0.keyIdentifier?.string }), fetchedAt: now)
        return keys
    }

    /// GETs `url` with the shared HTTP client.
    @Sendable public static func httpGet(_ url: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status == .ok else { throw TokenVerificationError("JWKS at \(url) answered \(response.status.code)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        return body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? []
    }
}
