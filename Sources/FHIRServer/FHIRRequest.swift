import Documents
import FHIRCore
import Foundation

/// A FHIR interaction request, independent of HTTP: what the Hummingbird layer (or the importer, or a test)
/// hands to ``FHIRService/handle(_:)``.
public struct FHIRRequest: Sendable {
    /// The HTTP verb of the interaction.
    public enum Method: String, Sendable, Hashable {
        case get = "GET", head = "HEAD", post = "POST", put = "PUT", delete = "DELETE", patch = "PATCH"
    }

    /// One `name=value` query parameter, percent-decoded, in request order (names may repeat).
    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public var method: Method
    /// Path segments after the FHIR base, percent-decoded: `["Patient", "123", "_history", "2"]`; `[]` for the base.
    public var path: [String]
    public var query: [QueryItem]
    /// Request headers with lower-cased names (`if-match`, `if-none-exist`, `prefer`, `content-type`, `accept`, ...).
    public var headers: [String: String]
    public var body: [UInt8]
    /// A raw document body still to be read (a `POST Binary` / `PUT Binary/id` with a non-FHIR Content-Type),
    /// streamed to the content store instead of ``body``; nil otherwise.
    public var content: (any ContentSource)?
    /// Who is calling (from the bearer token); required when the access rules are on.
    public var caller: RequestCaller?
    /// The access rules of this request, resolved by ``FHIRService/handle(_:)``.
    var access: RequestAccess = .unrestricted

    public init(method: Method, path: [String], query: [QueryItem] = [], headers: [String: String] = [:], body: [UInt8] = [],
                caller: RequestCaller? = nil) {
        self.method = method; self.path = path; self.query = query; self.headers = headers; self.body = body
        self.caller = caller
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
    /// The header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A FHIR interaction response, independent of HTTP. The body is already serialised (JSON, honouring `_pretty`).
public struct FHIRResponse: Sendable {
    public var status: Int
    /// Response headers (`ETag`, `Last-Modified`, `Location`, `Content-Location`, `Content-Type`, ...).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Document content to send after the headers instead of ``body`` (an ITI-68 retrieve): the HTTP layer streams
    /// it from ``FHIRService/contentStore``.
    public var content: ContentSlice?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
