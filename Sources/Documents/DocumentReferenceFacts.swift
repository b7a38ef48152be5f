import FHIRCore

/// What the document rules read from a DocumentReference: its attachments, the documents it replaces, its subject.
public struct DocumentReferenceFacts: Sendable {
    /// One `content[i].attachment`.
    public struct Attachment: Sendable, Hashable {
        /// `i` of `content[i]`.
        public var index: Int
        /// `attachment.url`.
        public var url: String?
        /// `attachment.hash` (base64 SHA-1 in R4).
        public var hash: String?
        /// `attachment.size`.
        public var size: Int64?
        /// `attachment.contentType`.
        public var contentType: String?
        /// Whether the attachment carries inline `data`.
        public var hasData: Bool
    }

    /// The attachments, in order.
    public var attachments: [Attachment]
    /// The `relatesTo` with code `replaces`: (index in `relatesTo`, target reference).
    public var replaces: [(index: Int, reference: String)]
    /// `subject.reference`.
    public var subject: String?
    /// `status`.
    public var status: String?

    /// The facts of a DocumentReference.
    public init(_ json: JSON) {
        var attachments: [Attachment] = []
        for (i, content) in (json["content"]?.arrayValue ?? []).enumerated() {
            guard let a = content["attachment"] else { continue }
            attachments.append(Attachment(index: i, url: a["url"]?.stringValue, hash: a["hash"]?.stringValue,
                                          size: a["size"]?.numberText.flatMap { Int64($0) },
                                          contentType: a["contentType"]?.stringValue, hasData: a["data"] != nil))
        }
        self.attachments = attachments
        var replaces: [(index: Int, reference: String)] = []
        for (i, relation) in (json["relatesTo"]?.arrayValue ?? []).enumerated() where relation["code"]?.stringValue == "replaces" {
            if let target = relation["target"]?["reference"]?.stringValue { replaces.append((index: i, reference: target)) }
        }
        self.replaces = replaces
        self.subject = json["subject"]?["reference"]?.stringValue
        self.status = json["status"]?.stringValue
    }

    /// The id of a local reference to `type` (`Binary/1`, `[base]/Binary/1`, `Binary/1/_history/2`), nil otherwise.
    public static func localID(_ reference: String, type: String, baseURL: String) -> String? {
        var r = Substring(reference)
        if r.hasPrefix(baseURL + "/") { r = r.dropFirst(baseURL.count + 1) }
        guard r.hasPrefix(type + "/") else { return nil }
        let rest = r.dropFirst(type.count + 1)
        let id = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return FHIRPrimitive.isValidID(id) ? id : nil
    }
}
