import Auth
import FHIRCore
import FHIRServer
import HTTPTypes
import Hummingbird

/// Adapts HTTP to ``FHIRService``: every method under the FHIR base path becomes a ``FHIRRequest``; the
/// ``FHIRResponse`` goes back as is. No FHIR logic lives here.
struct FHIRController: Sendable {
    let service: FHIRService
    let basePath: String

    func register(on router: Router<DossierRequestContext>) {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch]
        for method in methods {
            router.on(RouterPath(basePath), method: method) { request, context in
                try await self.respond(request, caller: context.identity.map(Self.caller))
            }
            router.on(RouterPath(basePath + "/**"), method: method) { request, context in
                try await self.respond(request, caller: context.identity.map(Self.caller))
            }
        }
    }

    /// The FHIR layer's view of a verified token.
    static func caller(_ identity: AuthenticatedIdentity) -> RequestCaller {
        let scopes = identity.scopes.resourceScopes
        return RequestCaller(subject: identity.subject, fhirUser: identity.fhirUser?.description, role: identity.role?.description,
                             isOperator: identity.isAdmin, clientID: identity.clientID) { interaction, type in
            let permission: ResourceScope.Permissions = switch interaction {
            case .create: .create
            case .read: .read
            case .update: .update
            case .delete: .delete
            case .search: .search
            }
            return scopes.contains { $0.allows(permission, on: type) }
        }
    }

    func respond(_ request: Request, caller: RequestCaller? = nil) async throws -> Response {
        guard let method = FHIRRequest.Method(rawValue: request.method.rawValue) else {
            return Self.response(FHIRResponse(status: 405))
        }
        var request = request
        let limit = service.configuration.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            let outcome = FHIRError(.payloadTooLarge, "The request body exceeds the limit of \(limit) bytes").operationOutcome
            return Self.response(FHIRResponse(status: 413, headers: [("Content-Type", "application/fhir+json;charset=utf-8")], body: outcome.serialized()))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] { headers[name] = existing + ", " + field.value } else { headers[name] = field.value }
        }
        let fhirRequest = FHIRRequest(
            method: method,
            path: segments(request.uri.path),
            query: QueryString.parse(request.uri.query ?? ""),
            headers: headers,
            body: Array(buffer: body),
            caller: caller
        )
        return Self.response(await service.handle(fhirRequest))
    }

    /// The percent-decoded path segments after the base path.
    func segments(_ path: String) -> [String] {
        var p = Substring(path)
        if p.hasPrefix(basePath) { p = p.dropFirst(basePath.count) }
        return p.split(separator: "/").map { $0.utf8.contains(UInt8(ascii: "%")) ? (String($0).removingPercentEncoding ?? String($0)) : String($0) }
    }

    static func response(_ r: FHIRResponse) -> Response {
        var fields = HTTPFields()
        for h in r.headers {
            if let name = HTTPField.Name(h.name) { fields.append(HTTPField(name: name, value: h.value)) }
        }
        return Response(status: .init(code: r.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}

import Foundation
