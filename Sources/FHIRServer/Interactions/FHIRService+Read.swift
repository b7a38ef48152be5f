import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// `GET [base]/Type/id`: the current version; 410 when deleted, 404 when never written.
    /// Honours `If-None-Match` and `If-Modified-Since` (304).
    func read(_ request: FHIRRequest, type: String, id: String) async throws -> FHIRResponse {
        try requireScope(.read, type, request.access)
        guard let current = try await store.read(type: type, id: id) else { throw FHIRError(.notFound, "\(type)/\(id) is not known") }
        guard try await mayReadVersion(current, access: request.access, isCurrent: true) else {
            request.access.trail.attempted(current.patientKey)
            throw FHIRError(.notFound, "\(type)/\(id) is not known")
        }
        request.access.trail.touch(current)
        if current.isDeleted {
            return deletedResponse(current, request: request)
        }
        if let inm = request.header("if-none-match"), ETag.version(from: inm) == current.version {
            return FHIRResponse(status: 304, headers: versionHeaders(current))
        }
        if let ims = request.header("if-modified-since"), let since = HTTPDate.parse(ims),
           current.lastUpdated.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970 {
            return FHIRResponse(status: 304, headers: versionHeaders(current))
        }
        return resourceResponse(status: 200, current, request: request)
    }

    /// `GET [base]/Type/id/_history/vid`.
    func vread(_ request: FHIRRequest, type: String, id: String, version: Int) async throws -> FHIRResponse {
        try requireScope(.read, type, request.access)
        guard let stored = try await store.vread(type: type, id: id, version: version),
              try await mayReadVersion(stored, access: request.access) else {
            throw FHIRError(.notFound, "\(type)/\(id) has no version \(version)")
        }
        request.access.trail.touch(stored)
        if stored.isDeleted { return deletedResponse(stored, request: request) }
        return resourceResponse(status: 200, stored, request: request)
    }

    /// Whether the actor may see a version: the version itself and the resource as it is now must both be
    /// readable (a document masked now stays masked in its history). A deletion shows only to those who could
    /// read the version it deleted.
    func mayReadVersion(_ stored: StoredResource, access: RequestAccess, isCurrent: Bool = false) async throws -> Bool {
        if access.isUnrestricted { return true }
        var shown = stored
        if stored.isDeleted {
            guard stored.version > 1, let previous = try await store.vread(type: stored.type, id: stored.id, version: stored.version - 1) else { return false }
            shown = previous
        }
        guard try await mayRead(shown, access: access) else { return false }
        if isCurrent { return true }
        guard let current = try await store.read(type: stored.type, id: stored.id) else { return false }
        if current.version == shown.version || current.isDeleted { return true }
        return try await mayRead(current, access: access)
    }

    /// 410 Gone for a deleted resource, with its version headers.
    func deletedResponse(_ stored: StoredResource, request: FHIRRequest) -> FHIRResponse {
        var response = errorResponse(FHIRError(.gone, "\(stored.type)/\(stored.id) was deleted (version \(stored.version))"), request: request)
        response.headers += versionHeaders(stored)
        return response
    }

    /// `ETag` and `Last-Modified` of a version.
    func versionHeaders(_ stored: StoredResource) -> [(name: String, value: String)] {
        [("ETag", ETag.make(stored.version)), ("Last-Modified", HTTPDate.format(stored.lastUpdated))]
    }

    /// The URL of a version, relative (`Patient/1/_history/2`) or absolute.
    func versionURL(_ stored: StoredResource, absolute: Bool = true) -> String {
        let rel = "\(stored.type)/\(stored.id)/_history/\(stored.version)"
        return absolute ? "\(configuration.baseURL)/\(rel)" : rel
    }

    /// A response carrying a stored version: its bytes as stored (fast path), pretty-printed on `_pretty=true`.
    func resourceResponse(status: Int, _ stored: StoredResource, request: FHIRRequest,
                          location: Bool = false) -> FHIRResponse {
        var headers = [(name: String, value: String)]()
        headers.append(("Content-Type", FHIRMediaType.fhirJSON))
        headers += versionHeaders(stored)
        if location { headers.append(("Location", versionURL(stored))) }
        if request.method != .get && request.method != .head { headers.append(("Content-Location", versionURL(stored))) }
        var body = stored.content
        if request.queryValue("_pretty") == "true", let json = try? JSON.parse(stored.content) {
            body = json.serialized(pretty: true)
        }
        return FHIRResponse(status: status, headers: headers, body: body)
    }

    /// The response of a successful write, shaped by `Prefer: return=`.
    func writeResponse(status: Int, _ stored: StoredResource, request: FHIRRequest, location: Bool) -> FHIRResponse {
        switch Prefer(header: request.header("prefer")).returnPreference {
        case .minimal:
            var headers = versionHeaders(stored)
            if location { headers.append(("Location", versionURL(stored))) }
            headers.append(("Content-Location", versionURL(stored)))
            return FHIRResponse(status: status, headers: headers)
        case .operationOutcome:
            var headers = versionHeaders(stored)
            headers.append(("Content-Type", FHIRMediaType.fhirJSON))
            if location { headers.append(("Location", versionURL(stored))) }
            headers.append(("Content-Location", versionURL(stored)))
            let verb = status == 201 ? "created" : "updated"
            let oo = OperationOutcome.information("\(stored.type)/\(stored.id) \(verb) as version \(stored.version)")
            return FHIRResponse(status: status, headers: headers, body: render(oo, request))
        case .representation, nil:
            return resourceResponse(status: status, stored, request: request, location: location)
        }
    }
}
