import Foundation
import Store

/// The `_cursor` parameter of search page links: a direction and a ``SearchCursor``, as base64url JSON. Opaque to
/// clients; a tampered or stale one is a 400, never a wrong page.
enum PageCursor {
    private struct Payload: Codable {
        /// `a`: after the cursor (next page), `b`: before it (previous page).
        var d: String
        var c: SearchCursor
    }

    static func encode(_ position: PagePosition) -> String? {
        let payload: Payload
        switch position {
        case .first: return nil
        case .after(let c): payload = Payload(d: "a", c: c)
        case .before(let c): payload = Payload(d: "b", c: c)
        }
        guard let data = try? JSONEncoder().encode(payload) else { return nil }
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> PagePosition? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let payload = try? JSONDecoder().decode(Payload.self, from: data) else { return nil }
        switch payload.d {
        case "a": return .after(payload.c)
        case "b": return .before(payload.c)
        default: return nil
        }
    }
}
