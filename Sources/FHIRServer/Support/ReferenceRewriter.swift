import FHIRCore

/// Rewrites every `reference` string in a resource (at any depth, contained resources included) through a function;
/// used by transactions for `urn:uuid:` full URLs and conditional references (`Patient?identifier=...`). An
/// `Attachment.url` naming a `urn:` full URL (a Binary of an ITI-65 Bundle) is rewritten too.
enum ReferenceRewriter {
    /// Returns `resource` with each `reference` value `r` replaced by `map(r)` when that is non-nil.
    static func rewrite(_ resource: JSONObject, _ map: (String) throws -> String?) rethrows -> JSONObject {
        var out = resource
        for member in resource {
            let rewritten = try rewrite(member.value, key: member.key, map)
            if rewritten != member.value { out[member.key] = rewritten }
        }
        return out
    }

    private static func rewrite(_ value: JSON, key: String, _ map: (String) throws -> String?) rethrows -> JSON {
        switch value {
        case .string(let s) where key == "reference":
            if let new = try map(s) { return .string(new) }
            return value
        case .object(var o) where key == "attachment":
            if let url = o["url"]?.stringValue, url.hasPrefix("urn:"), let new = try map(url) { o["url"] = .string(new) }
            return .object(try rewrite(o, map))
        case .object(let o):
            return .object(try rewrite(o, map))
        case .array(let a):
            var changed = false
            var items = a
            for i in a.indices {
                let r = try rewrite(a[i], key: key, map)
                if r != a[i] { items[i] = r; changed = true }
            }
            return changed ? .array(items) : value
        default:
            return value
        }
    }
}
