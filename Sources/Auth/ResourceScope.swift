/// One SMART resource scope such as `patient/Observation.rs`, `user/*.cruds`, `system/*.read` (v1) or
/// `patient/Observation.rs?category=laboratory` (granular): who it acts for, which resource type, which
/// interactions, and the optional search restriction kept as written.
public struct ResourceScope: Sendable, Hashable {
    /// Whose data the scope reaches.
    public enum Context: String, Sendable, Hashable, CaseIterable {
        /// The patient in context (`launch/patient`).
        case patient
        /// Whatever the signed-in user may see.
        case user
        /// A backend service acting as itself.
        case system
    }

    /// The SMART v2 interactions: create, read, update, delete, search.
    public struct Permissions: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let create = Permissions(rawValue: 1 << 0)
        public static let read = Permissions(rawValue: 1 << 1)
        public static let update = Permissions(rawValue: 1 << 2)
        public static let delete = Permissions(rawValue: 1 << 3)
        public static let search = Permissions(rawValue: 1 << 4)
        /// `cruds`, and v1 `*`.
        public static let all: Permissions = [.create, .read, .update, .delete, .search]

        /// The v2 letters in their canonical order (`cruds`).
        public var letters: String {
            var text = ""
            if contains(.create) { text += "c" }
            if contains(.read) { text += "r" }
            if contains(.update) { text += "u" }
            if contains(.delete) { text += "d" }
            if contains(.search) { text += "s" }
            return text
        }

        /// Parses v2 letters (in `cruds` order, each at most once) or the v1 words `read`, `write` and `*`.
        public init?(text: Substring) {
            switch text {
            case "read": self = [.read, .search]
            case "write": self = [.create, .update, .delete]
            case "*": self = .all
            default:
                let order: [(Character, Permissions)] = [("c", .create), ("r", .read), ("u", .update), ("d", .delete), ("s", .search)]
                var result: Permissions = []
                var next = 0
                for character in text {
                    guard let index = order[next...].firstIndex(where: { $0.0 == character }) else { return nil }
                    result.insert(order[index].1)
                    next = index + 1
                }
                guard !result.isEmpty else { return nil }
                self = result
            }
        }
    }

    /// Whose data the scope reaches.
    public var context: Context
    /// The resource type, or `*` for every type.
    public var resourceType: String
    /// The interactions allowed.
    public var permissions: Permissions
    /// A granular restriction (`category=laboratory`), without its `?`, kept as written; `nil` when absent.
    public var query: String?

    /// A resource scope from its parts.
    public init(context: Context, resourceType: String, permissions: Permissions, query: String? = nil) {
        self.context = context
        self.resourceType = resourceType
        self.permissions = permissions
        self.query = query
    }

    /// Parses `context/Type.permissions[?query]`; `nil` when the text is not a resource scope.
    public init?(_ text: Substring) {
        guard let slash = text.firstIndex(of: "/"), let context = Context(rawValue: String(text[..<slash])) else { return nil }
        var rest = text[text.index(after: slash)...]
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
            if query?.isEmpty == true { return nil }
        }
        guard let dot = rest.lastIndex(of: ".") else { return nil }
        let type = rest[..<dot]
        guard type == "*" || Self.isResourceTypeName(type) else { return nil }
        guard let permissions = Permissions(text: rest[rest.index(after: dot)...]) else { return nil }
        self.init(context: context, resourceType: String(type), permissions: permissions, query: query)
    }

    /// The scope as SMART v2 text (v1 input comes back in v2 form).
    public var text: String {
        "\(context.rawValue)/\(resourceType).\(permissions.letters)" + (query.map { "?" + $0 } ?? "")
    }

    /// Whether this scope allows `permission` on resources of `type`, ignoring the granular query
    /// (which the access layer applies as a search restriction).
    public func allows(_ permission: Permissions, on type: String) -> Bool {
        (resourceType == "*" || resourceType == type) && permissions.isSuperset(of: permission)
    }

    static func isResourceTypeName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isUppercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
