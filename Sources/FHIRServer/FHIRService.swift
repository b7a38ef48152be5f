import Access
import Audit
import Documents
import FHIRCore
import Foundation
import Logging
import Store
import Subscriptions
import Synchronization

/// The FHIR R4 REST interactions as plain functions over ``FHIRRequest`` / ``FHIRResponse``: no HTTP here.
///
/// The Hummingbird layer, the importer and tests all call ``handle(_:)``. Each interaction lives in its own file
/// (`FHIRService+Read.swift`, `+Create`, `+Update`, `+Delete`, `+Patch`, `+History`, `+Search`, `+Bundle`,
/// `+Capabilities`); this file only routes and maps errors to OperationOutcome responses, once.
public final class FHIRService: Sendable {
    /// The store all interactions go through.
    public let store: any FHIRStore
    /// Limits and the base URL.
    public let configuration: ServerConfiguration
    let logger: Logger
    let writer: ResourceWriter
    /// The search parameters in force, with the index builder and parser made from them.
    let searchEngines: SearchEngine
    /// Whether the custom SearchParameter resources stored on the server have been added to ``searchEngines``.
    let searchParametersLoaded = Mutex(false)
    /// What the access rules read, kept until a write changes it.
    let accessCache = AccessCache()
    /// The audit trail every interaction is recorded in before its response leaves (rule 8); nil: not audited
    /// (the in-process importer, tests of the REST layer).
    public let auditLog: (any AuditLog)?
    /// The subscriptions' delivery log (`$events`, the secrets handed out at create); nil: no dispatcher runs.
    public let subscriptionLog: DeliveryLog?
    /// Where document content lives, by SHA-256 (``ServerConfiguration/contentDirectory``).
    public let contentStore: ContentStore

    public init(store: any FHIRStore, configuration: ServerConfiguration = .init(), auditLog: (any AuditLog)? = nil,
                subscriptionLog: DeliveryLog? = nil, logger: Logger = Logger(label: "dossier.fhir")) {
        self.store = store
        self.auditLog = auditLog
        self.subscriptionLog = subscriptionLog
        self.configuration = configuration
        self.logger = logger
        let engines = SearchEngine(configuration: configuration)
        self.searchEngines = engines
        self.writer = ResourceWriter(engine: engines)
        self.contentStore = ContentStore(directory: configuration.contentDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("dossier-content-\(UUID().uuidString)").path)
    }

    /// Handles one interaction. Never throws: every failure becomes an OperationOutcome response with its status.
    public func handle(_ request: FHIRRequest) async -> FHIRResponse {
        var request = request
        request.access = RequestAccess(caller: request.caller, actor: nil, now: Date())
        let response = await respond(&request)
        request.access.contents.settle(contentStore, keep: response.status < 400)
        do {
            try await audit(request, response)
        } catch {
            // An access is recorded before its data leaves (rule 8): without a record, no data.
            logger.error("audit trail unavailable: \(error)")
            return errorResponse(FHIRError(.unavailable, "The audit trail cannot record this request; nothing was returned. Try again shortly."), request: request)
        }
        return response
    }

    /// The interaction's response, before it is audited.
    private func respond(_ request: inout FHIRRequest) async -> FHIRResponse {
        do {
            try FHIRMediaType.checkAcceptable(request)
            if request.body.count > configuration.maxBodyBytes {
                throw FHIRError(.payloadTooLarge, "The request body (\(request.body.count) bytes) exceeds the limit of \(configuration.maxBodyBytes) bytes")
            }
            // Writes are indexed with the custom search parameters too: load them before the first request.
            _ = try await searchEngine()
            request.access = try await resolveAccess(request)
            var response = try await route(request)
            if request.method == .head { response.body = [] }
            return response
        } catch let error as FHIRError {
            var response = errorResponse(error, request: request)
            if error.code == .methodNotAllowed {
                response.headers.append(("Allow", Self.allowedMethods(request.path).joined(separator: ", ")))
            }
            return response
        } catch let error as StoreError {
            return errorResponse(Self.map(error), request: request)
        } catch {
            logger.error("unexpected error: \(error)")
            return errorResponse(FHIRError(.internal, "Internal error; the operator's log has the details"), request: request)
        }
    }

    /// Maps store errors to FHIR errors (once, here).
    static func map(_ error: StoreError) -> FHIRError {
        switch error {
        case .versionConflict(let type, let id, _, _):
            FHIRError(.conflict, "\(type)/\(id) was changed concurrently; retry with the current version")
        case .unavailable(let why):
            FHIRError(.unavailable, "The store is unavailable: \(why)")
        }
    }

    private func route(_ request: FHIRRequest) async throws -> FHIRResponse {
        let p = request.path
        let m = request.method
        let isRead = m == .get || m == .head
        if p.first == "Binary", let response = try await documentContent(request) { return response }
        if p.first == "AuditEvent" {
            // The audit trail answers for AuditEvent; it is append-only, written by the server alone.
            if p.count == 1, isRead { return try await auditSearch(request) }
            if p.count == 2, p[1] == "_search", m == .post { return try await auditSearch(request) }
            if p.count == 2, isRead { return try await auditRead(request, id: try resourceID(p[1])) }
            throw FHIRError(.methodNotAllowed, "The audit trail is append-only and written by the server; \(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
        }
        if p.first == "Subscription", let response = try await subscriptionInteraction(request) { return response }
        switch p.count {
        case 0:
            if m == .post { return try await bundle(request) }
            if isRead { return try await search(request, scope: .system) }
        case 1:
            if p[0] == "metadata" { if isRead { return capabilities(request) } }
            else if p[0] == "_history" { if isRead { return try await history(request, scope: .system) } }
            else if p[0] == "_search" { if m == .post { return try await search(request, scope: .system) } }
            else if p[0] == "$reindex" { if m == .post { return try await reindex(request, type: nil) } }
            else if p[0] == "$access-matrix" { if isRead { return accessMatrix(request) } }
            else if p[0].hasPrefix("$") { throw FHIRError(.notImplemented, "Operation \(p[0]) is not supported") }
            else {
                let type = try resourceType(p[0])
                switch m {
                case .get, .head: return try await search(request, scope: .type(type))
                case .post: return try await create(request, type: type)
                case .put: return try await conditionalUpdate(request, type: type)
                case .delete: return try await conditionalDelete(request, type: type)
                case .patch: return try await patch(request, type: type, id: nil)
                }
            }
        case 2:
            let type = try resourceType(p[0])
            if p[1] == "_history" { if isRead { return try await history(request, scope: .type(type)) } }
            else if p[1] == "_search" { if m == .post { return try await search(request, scope: .type(type)) } }
            else if p[1] == "$reindex" { if m == .post { return try await reindex(request, type: type) } }
            else if type == "Patient", p[1] == "$summary" { if isRead || m == .post { return try await summary(request, patientID: nil) } }
            else if p[1].hasPrefix("$") { throw FHIRError(.notImplemented, "Operation \(p[1]) is not supported") }
            else {
                let id = try resourceID(p[1])
                switch m {
                case .get, .head: return try await read(request, type: type, id: id)
                case .put: return try await update(request, type: type, id: id)
                case .delete: return try await delete(request, type: type, id: id)
                case .patch: return try await patch(request, type: type, id: id)
                case .post: break
                }
            }
        case 3:
            let type = try resourceType(p[0])
            if type == "Patient", p[2] == "$everything" {
                let id = try resourceID(p[1])
                if isRead || m == .post { return try await everything(request, patientID: id) }
                throw FHIRError(.methodNotAllowed, "\(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
            }
            if type == "Patient", p[2] == "$summary" {
                let id = try resourceID(p[1])
                if isRead || m == .post { return try await summary(request, patientID: id) }
                throw FHIRError(.methodNotAllowed, "\(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
            }
            if type == "Patient", p[2] == "$break-glass" {
                let id = try resourceID(p[1])
                if m == .post { return try await breakGlass(request, patientID: id) }
                throw FHIRError(.methodNotAllowed, "\(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
            }
            if p[2] == "$meta-add" || p[2] == "$meta-delete" {
                let id = try resourceID(p[1])
                if m == .post { return try await meta(request, type: type, id: id, adding: p[2] == "$meta-add") }
                throw FHIRError(.methodNotAllowed, "\(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
            }
            if p[2].hasPrefix("$") { throw FHIRError(.notImplemented, "Operation \(p[2]) is not supported") }
            let id = try resourceID(p[1])
            if p[2] == "_history" { if isRead { return try await history(request, scope: .instance(type: type, id: id)) } }
            else if type == "Patient", R4.resourceTypes.contains(p[2]) {
                if isRead { return try await search(request, scope: .compartment(patientID: id, type: p[2])) }
            }
            else { throw FHIRError(.notFound, "Unknown URL: \(p.joined(separator: "/"))") }
        case 4:
            let type = try resourceType(p[0])
            let id = try resourceID(p[1])
            guard p[2] == "_history" else { throw FHIRError(.notFound, "Unknown URL: \(p.joined(separator: "/"))") }
            guard let version = Int(p[3]), version > 0 else {
                throw FHIRError(.notFound, "Version '\(p[3])' of \(type)/\(id) is not a version number")
            }
            if isRead { return try await vread(request, type: type, id: id, version: version) }
        default:
            throw FHIRError(.notFound, "Unknown URL: \(p.joined(separator: "/"))")
        }
        throw FHIRError(.methodNotAllowed, "\(m.rawValue) is not allowed on [base]/\(p.joined(separator: "/"))")
    }

    /// The methods a URL of this shape accepts (the `Allow` header of a 405).
    static func allowedMethods(_ path: [String]) -> [String] {
        switch path.count {
        case 0: return ["GET", "HEAD", "POST"]
        case 1 where path[0] == "metadata" || path[0] == "_history" || path[0] == "$access-matrix": return ["GET", "HEAD"]
        case 1 where path[0] == "_search" || path[0] == "$reindex": return ["POST"]
        case 1: return ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
        case 2 where path[1] == "_history": return ["GET", "HEAD"]
        case 2 where path[1] == "_search" || path[1] == "$reindex": return ["POST"]
        case 2: return ["GET", "HEAD", "PUT", "DELETE", "PATCH"]
        default: return ["GET", "HEAD"]
        }
    }

    /// Checks a resource type named in a URL: a known R4 type, else 404.
    func resourceType(_ name: String) throws(FHIRError) -> String {
        guard R4.resourceTypes.contains(name) else {
            throw FHIRError(.notFound, "Unknown resource type '\(name)'", issueType: "not-supported")
        }
        return name
    }

    /// Checks an id named in a URL (R4 id: 1-64 of `[A-Za-z0-9\-\.]`).
    func resourceID(_ id: String) throws(FHIRError) -> String {
        guard FHIRPrimitive.isValidID(id) else {
            throw FHIRError(.invalid, "'\(id)' is not a valid resource id (1-64 characters of A-Z, a-z, 0-9, '-', '.')", issueType: "value")
        }
        return id
    }

    /// The OperationOutcome response of an error.
    func errorResponse(_ error: FHIRError, request: FHIRRequest) -> FHIRResponse {
        FHIRResponse(status: error.httpStatus, headers: [("Content-Type", FHIRMediaType.fhirJSON)],
                     body: render(error.operationOutcome, request))
    }

    /// Serialises a JSON body, honouring `_pretty`.
    func render(_ json: JSON, _ request: FHIRRequest) -> [UInt8] {
        json.serialized(pretty: request.queryValue("_pretty") == "true")
    }
}
