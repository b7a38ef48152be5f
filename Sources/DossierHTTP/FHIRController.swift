import Auth
import Documents
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
        let path = segments(request.uri.path)
        if FHIRService.isRawDocumentUpload(method: method, path: path, contentType: request.headers[.contentType]) {
            // A document is streamed to the content store, never collected (--max-document-bytes, not --max-body-bytes).
            var upload = fhirRequest(request, method: method, path: path, body: [], caller: caller)
            upload.content = StreamedContent(body: request.body)
            return httpResponse(await service.handle(upload))
        }
        let limit = service.configuration.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            let outcome = FHIRError(.payloadTooLarge, "The request body exceeds the limit of \(limit) bytes").operationOutcome
            return Self.response(FHIRResponse(status: 413, headers: [("Content-Type", "application/fhir+json;charset=utf-8")], body: outcome.serialized()))
        }
        return httpResponse(await service.handle(fhirRequest(request, method: method, path: path, body: Array(buffer: body), caller: caller)))
    }

    /// The FHIR layer's view of an HTTP request.
    private func fhirRequest(_ request: Request, method: FHIRRequest.Method, path: [String], body: [UInt8], caller: RequestCaller?) -> FHIRRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] { headers[name] = existing + ", " + field.value } else { headers[name] = field.value }
        }
        return FHIRRequest(method: method, path: path, query: QueryString.parse(request.uri.query ?? ""), headers: headers,
                           body: body, caller: caller)
    }

    /// The HTTP response, streaming document content from the content store when the FHIR layer names some.
    func httpResponse(_ r: FHIRResponse) -> Response {
        guard let slice = r.content else { return Self.response(r) }
        var response = Self.response(r)
        let store = service.contentStore
        response.body = ResponseBody(contentLength: Int(slice.length)) { writer in
            try await store.read(slice.sha256, offset: slice.offset, length: slice.length) { chunk in
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return response
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
