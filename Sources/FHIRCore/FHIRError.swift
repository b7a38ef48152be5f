/// The one error type of Dossier: a category (mapped once, at the edge, to an HTTP status) plus the
/// OperationOutcome issues that explain it.
public struct FHIRError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error category. A struct wrapping a private enum, so new categories don't break callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalid, unprocessable, notFound, gone, conflict, preconditionFailed, forbidden, unauthorized
            case methodNotAllowed, notAcceptable, unsupportedMediaType, payloadTooLarge, notImplemented
            case tooManyRequests, unavailable, `internal`
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// 400: malformed request (bad JSON, bad parameter, bad header).
        public static let invalid = Code(.invalid)
        /// 422: well-formed but the content breaks a FHIR rule.
        public static let unprocessable = Code(.unprocessable)
        /// 404: unknown, absent, or not visible to the caller.
        public static let notFound = Code(.notFound)
        /// 410: deleted.
        public static let gone = Code(.gone)
        /// 409: conflicts with the current state (e.g. a concurrent version).
        public static let conflict = Code(.conflict)
        /// 412: `If-Match` mismatch, or a conditional operation matched several resources.
        public static let preconditionFailed = Code(.preconditionFailed)
        /// 403.
        public static let forbidden = Code(.forbidden)
        /// 401.
        public static let unauthorized = Code(.unauthorized)
        /// 405: the interaction is not allowed on this URL.
        public static let methodNotAllowed = Code(.methodNotAllowed)
        /// 406: the client asked for a format we don't produce (e.g. XML).
        public static let notAcceptable = Code(.notAcceptable)
        /// 415: the body's media type is not supported.
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        /// 413: the body exceeds the configured limit.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// 501: a FHIR interaction or operation we do not implement.
        public static let notImplemented = Code(.notImplemented)
        /// 429.
        public static let tooManyRequests = Code(.tooManyRequests)
        /// 503: the store is unavailable or overloaded.
        public static let unavailable = Code(.unavailable)
        /// 500: a bug. Details are logged, not shown.
        public static let `internal` = Code(.internal)

        /// The HTTP status this category maps to.
        public var httpStatus: Int {
            switch base {
            case .invalid: 400
            case .unprocessable: 422
            case .notFound: 404
            case .gone: 410
            case .conflict: 409
            case .preconditionFailed: 412
            case .forbidden: 403
            case .unauthorized: 401
            case .methodNotAllowed: 405
            case .notAcceptable: 406
            case .unsupportedMediaType: 415
            case .payloadTooLarge: 413
            case .notImplemented: 501
            case .tooManyRequests: 429
            case .unavailable: 503
            case .internal: 500
            }
        }

        /// The OperationOutcome `issue.code` (http://hl7.org/fhir/issue-type) used when an issue doesn't give one.
        public var defaultIssueType: String {
            switch base {
            case .invalid: "invalid"
            case .unprocessable: "processing"
            case .notFound: "not-found"
            case .gone: "deleted"
            case .conflict: "conflict"
            case .preconditionFailed: "conflict"
            case .forbidden: "forbidden"
            case .unauthorized: "login"
            case .methodNotAllowed: "not-supported"
            case .notAcceptable: "not-supported"
            case .unsupportedMediaType: "not-supported"
            case .payloadTooLarge: "too-costly"
            case .notImplemented: "not-supported"
            case .tooManyRequests: "throttled"
            case .unavailable: "transient"
            case .internal: "exception"
            }
        }

        public var description: String { base.rawValue }
    }

    /// One OperationOutcome issue.
    public struct Issue: Sendable, Hashable {
        public enum Severity: String, Sendable, Hashable { case fatal, error, warning, information }
        public var severity: Severity
        /// An `http://hl7.org/fhir/issue-type` code (`invalid`, `structure`, `value`, `required`, `not-found`, ...).
        public var code: String
        /// Human-readable explanation.
        public var diagnostics: String
        /// FHIRPath expressions of the elements concerned (`Patient.birthDate`).
        public var expression: [String]
        /// A coded detail (`OperationOutcome.issue.details`, a CodeableConcept), e.g. `v3-ActReason#BTG`.
        public var details: JSON?

        public init(severity: Severity = .error, code: String, diagnostics: String, expression: [String] = []) {
            self.severity = severity; self.code = code; self.diagnostics = diagnostics; self.expression = expression
        }
    }

    public var code: Code
    public var issues: [Issue]

    public init(_ code: Code, issues: [Issue]) {
        self.code = code
        self.issues = issues.isEmpty ? [Issue(code: code.defaultIssueType, diagnostics: code.description)] : issues
    }

    /// An error with a single issue.
    public init(_ code: Code, _ diagnostics: String, issueType: String? = nil, expression: [String] = []) {
        self.init(code, issues: [Issue(code: issueType ?? code.defaultIssueType, diagnostics: diagnostics, expression: expression)])
    }

    public var httpStatus: Int { code.httpStatus }

    public var description: String {
        "\(code.httpStatus) \(code): " + issues.map { i in
            i.expression.isEmpty ? i.diagnostics : "\(i.diagnostics) (at \(i.expression.joined(separator: ", ")))"
        }.joined(separator: "; ")
    }

    /// The error as a FHIR OperationOutcome resource.
    public var operationOutcome: JSON { OperationOutcome.make(issues) }
}

/// Builds OperationOutcome resources.
public enum OperationOutcome {
    /// An OperationOutcome with these issues.
    public static func make(_ issues: [FHIRError.Issue]) -> JSON {
        var root: JSONObject = ["resourceType": .string("OperationOutcome")]
        root["issue"] = .array(issues.map { issue in
            var o: JSONObject = [
                "severity": .string(issue.severity.rawValue),
                "code": .string(issue.code),
            ]
            if let details = issue.details { o["details"] = details }
            o["diagnostics"] = .string(issue.diagnostics)
            if !issue.expression.isEmpty { o["expression"] = .array(issue.expression.map(JSON.string)) }
            return .object(o)
        })
        return .object(root)
    }

    /// An informational OperationOutcome with one message (e.g. for `Prefer: return=OperationOutcome`).
    public static func information(_ message: String) -> JSON {
        make([FHIRError.Issue(severity: .information, code: "informational", diagnostics: message)])
    }
}
