import Auth
import Hummingbird

extension Request {
    /// The largest form body the authorisation endpoints read.
    static let maximumFormBytes = 64 * 1024

    /// The `application/x-www-form-urlencoded` body's fields (first value of each name), or `nil` if the body is
    /// another media type or too large.
    mutating func formFields() async throws -> [(String, String)]? {
        guard let type = headers[.contentType]?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let body = try await collectBody(upTo: Self.maximumFormBytes)
        return FormEncoding.decode(String(buffer: body))
    }

    /// The query's fields, decoded.
    var queryFields: [String: String] {
        FormEncoding.dictionary(FormEncoding.decode(uri.query ?? ""))
    }
}
