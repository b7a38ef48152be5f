import Hummingbird
import Store

/// `GET /health`: 200 when the store answers, 503 otherwise (for load balancers and operators).
struct HealthController: Sendable {
    let store: any FHIRStore

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/health") { _, _ -> Response in
            do {
                _ = try await store.read(type: "Patient", id: "health-check")
                return Self.json(.ok, #"{"status":"ok"}"#)
            } catch {
                return Self.json(.serviceUnavailable, #"{"status":"unavailable"}"#)
            }
        }
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
