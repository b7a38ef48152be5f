import Access
import Foundation
import Subscriptions

/// Limits and settings of the FHIR service. Every limit is explicit and answers with a clear error when exceeded.
public struct ServerConfiguration: Sendable {
    /// The absolute base URL clients use, without a trailing slash (`http://127.0.0.1:8080/fhir`).
    public var baseURL: String
    /// Largest accepted request body, in bytes (413 beyond).
    public var maxBodyBytes: Int
    /// Deepest accepted JSON nesting.
    public var maxJSONDepth: Int
    /// Most entries accepted in one batch or transaction Bundle.
    public var maxBundleEntries: Int
    /// `_count` used when the client gives none.
    public var defaultPageSize: Int
    /// Largest `_count` honoured (larger values are capped, and the Bundle says so).
    public var maxPageSize: Int
    /// Most resources `_include`/`_revinclude` add to one page (beyond, the Bundle says so and the client pages).
    public var maxIncludes: Int
    /// Most levels `:iterate` follows.
    public var maxIncludeDepth: Int
    /// Most codes a `:in` ValueSet or a `:below`/`:above` subsumption may expand to.
    public var maxExpansionCodes: Int
    /// The SMART OAuth endpoints to announce in the CapabilityStatement; `nil` when sign-in is off.
    public var smartEndpoints: SMARTEndpoints? = nil
    /// Whether the shared-record rules apply (DOMAIN.md): every request must then carry a ``RequestCaller``
    /// (401 otherwise) and sees only what its actor may. Off only for `--no-auth` development servers and tests
    /// of the REST layer itself.
    public var accessRules = false
    /// The authorisation matrix in force (rule 5), served by `GET [base]/$access-matrix`.
    public var matrix: AuthorisationMatrix = .default
    /// How long an emergency access (`$break-glass`) lasts.
    public var emergencyAccessDuration: TimeInterval = 4 * 3600
    /// Whether client writes trigger the built-in notifications (a new document to the GP, a new authorisation to
    /// the patient and the professional). On by default; the in-process importer (`dossier import`) turns it off:
    /// loading a history must not tell GPs of years-old documents one by one.
    public var notifications = true
    /// The folder of the document content store (`DATA/content`); nil: a fresh temporary folder (tests).
    public var contentDirectory: String? = nil
    /// Largest document accepted as a raw `Binary` upload, in bytes (413 beyond); streamed, so not held in memory.
    public var maxDocumentBytes: Int64 = 2 * 1024 * 1024 * 1024
    /// Largest document served inline as base64 `data` in a FHIR JSON `Binary` (beyond, the client asks for the
    /// raw bytes).
    public var maxInlineDocumentBytes: Int64 = 16 * 1024 * 1024
    /// Where rest-hook Subscriptions may send notifications: checked when a Subscription is written, and handed to
    /// the dispatcher, which checks it again before every delivery (`--subscription-allow-hosts` adds the
    /// operator's internal receivers to it).
    public var subscriptionEndpoints = EndpointPolicy()

    public init(
        baseURL: String = "http://127.0.0.1:8080/fhir",
        maxBodyBytes: Int = 64 * 1024 * 1024,
        maxJSONDepth: Int = 64,
        maxBundleEntries: Int = 10_000,
        defaultPageSize: Int = 50,
        maxPageSize: Int = 1_000,
        maxIncludes: Int = 1_000,
        maxIncludeDepth: Int = 3,
        maxExpansionCodes: Int = 10_000
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxBundleEntries = maxBundleEntries
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.maxIncludes = maxIncludes
        self.maxIncludeDepth = maxIncludeDepth
        self.maxExpansionCodes = maxExpansionCodes
    }
}
