import Access
import FHIRCore
import Foundation
import Search
import Store

/// Turns a validated resource into a stored version inside a write transaction: sets `id`, `meta.versionId`,
/// `meta.lastUpdated`, serialises it, derives its patient key and index entries, and puts it.
struct ResourceWriter: Sendable {
    let indexer = ResourceIndexer()
    /// The search parameters in force (their index builder indexes every version written).
    let engine: SearchEngine

    /// The entries of `resource` that do not depend on its references (every entry but the `.reference` ones),
    /// computed before a transaction starts, off the store's single writer: a transaction rewrites references
    /// (`urn:uuid:`, conditional) inside the store transaction, and only the reference entries are then added
    /// (``put(_:type:id:resource:method:current:precomputed:)``).
    func referenceIndependentEntries(_ resource: JSON, type: String) -> [IndexEntry] {
        engine.current.builder.entries(for: resource, type: type).filter {
            if case .reference = $0.value { return false }
            return true
        }
    }

    /// The entries of a resource: all of them, or the precomputed reference-independent ones plus those of its
    /// reference parameters.
    private func entries(_ json: JSON, type: String, precomputed: [IndexEntry]?) -> [IndexEntry] {
        let snapshot = engine.current
        guard let precomputed else { return snapshot.builder.entries(for: json, type: type) }
        var all = precomputed
        var seen = Set(precomputed)
        for param in snapshot.referenceParameters[type] ?? [] {
            for entry in snapshot.builder.entries(for: json, type: type, param: param) where seen.insert(entry).inserted {
                all.append(entry)
            }
        }
        return all
    }

    /// All the entries of a resource whose references will not be rewritten (a single create or update), computed
    /// before its store transaction starts, off the single writer.
    func allEntries(_ resource: JSONObject, type: String) -> [IndexEntry] {
        engine.current.builder.entries(for: .object(resource), type: type)
    }

    /// A version made ready before its store transaction, off the single writer: the serialised resource after
    /// its `meta.lastUpdated` (the bytes before it only depend on the type, id, version number and timestamp, which
    /// the transaction supplies), its patient key and all its index entries.
    struct PreparedVersion: Sendable {
        /// The resource as it will be stored, less `meta.versionId` and `meta.lastUpdated`.
        var resource: JSONObject
        /// The serialised resource after `"lastUpdated":"…"`.
        var tail: [UInt8]
        var patientKey: String
        var index: [IndexEntry]
    }

    /// Prepares `resource` (references already rewritten) to be written as `type/id`; `nil` when it cannot be
    /// prepared ahead: a search parameter in force reads `meta.versionId` or `meta.lastUpdated` (its entries
    /// depend on the transaction), or the serialised form does not start as expected. `precomputed`: as for
    /// ``put(_:type:id:resource:method:current:precomputed:index:prepared:)``.
    func prepare(type: String, id: String, resource: JSONObject, precomputed: [IndexEntry]?) -> PreparedVersion? {
        let snapshot = engine.current
        guard !snapshot.readsVersionMeta else { return nil }
        let json = Self.stamped(resource, type: type, id: id, version: "0", lastUpdated: "")
        let content = json.serialized()
        let head = Self.head(type: type, id: id, version: "0", lastUpdated: "")
        guard content.count >= head.count, content.starts(with: head) else { return nil }
        return PreparedVersion(
            resource: resource, tail: Array(content[head.count...]), patientKey: indexer.patientKey(json, type: type),
            index: entries(json, type: type, precomputed: precomputed) + Self.accessEntries(json))
    }

    /// `resource` with `resourceType`, `id` and `meta.versionId`/`lastUpdated` first, as stored.
    private static func stamped(_ resource: JSONObject, type: String, id: String, version: String, lastUpdated: String) -> JSON {
        var object = resource
        object.insert(.string(type), forKey: "resourceType", at: 0)
        object.insert(.string(id), forKey: "id", at: 1)
        var meta = object["meta"]?.objectValue ?? JSONObject()
        meta.insert(.string(version), forKey: "versionId", at: 0)
        meta.insert(.string(lastUpdated), forKey: "lastUpdated", at: 1)
        object.insert(.object(meta), forKey: "meta", at: 2)
        return .object(object)
    }

    /// The serialised beginning of a stored version, up to and including its `meta.lastUpdated` value (type and id
    /// syntax need no escaping, nor do a version number and an instant).
    private static func head(type: String, id: String, version: String, lastUpdated: String) -> [UInt8] {
        Array("{\"resourceType\":\"\(type)\",\"id\":\"\(id)\",\"meta\":{\"versionId\":\"\(version)\",\"lastUpdated\":\"\(lastUpdated)\"".utf8)
    }

    /// Writes `resource` as the next version of `type/id` (version 1 when `current` is nil). `precomputed`, when
    /// given, are the resource's reference-independent entries (``referenceIndependentEntries(_:type:)``); `index`,
    /// when given, all of them (``allEntries(_:type:)``); `prepared`, when given, everything but the version number
    /// and timestamp (``prepare(type:id:resource:precomputed:)``; `resource` is then ignored).
    func put(_ tx: any StoreTransaction, type: String, id: String, resource: JSONObject, method: WriteMethod,
             current: StoredResource?, precomputed: [IndexEntry]? = nil, index complete: [IndexEntry]? = nil,
             prepared: PreparedVersion? = nil) throws -> StoredResource {
        let version = (current?.version ?? 0) + 1
        let lastUpdated = FHIRInstant.format(tx.timestamp)
        let content: [UInt8]
        let patientKey: String
        let index: [IndexEntry]
        if let prepared {
            content = Self.head(type: type, id: id, version: String(version), lastUpdated: lastUpdated) + prepared.tail
            patientKey = prepared.patientKey
            index = prepared.index
        } else {
            let json = Self.stamped(resource, type: type, id: id, version: String(version), lastUpdated: lastUpdated)
            content = json.serialized()
            patientKey = indexer.patientKey(json, type: type)
            // Entries computed before the version was stamped (`complete`, `precomputed`) miss what a parameter on
            // meta.versionId or meta.lastUpdated reads: then all are computed from the stamped version.
            let fresh = engine.current.readsVersionMeta
            index = ((fresh ? nil : complete) ?? entries(json, type: type, precomputed: fresh ? nil : precomputed))
                + Self.accessEntries(json)
        }
        let new = NewVersion(type: type, id: id, version: version, method: method, content: content,
                             patientKey: patientKey, index: index)
        try tx.put(new)
        return StoredResource(type: type, id: id, version: version, lastUpdated: tx.timestamp, method: method,
                              content: content, patientKey: patientKey)
    }

    /// Every index entry of a stored version, as ``put(_:type:id:resource:method:current:precomputed:index:prepared:)``
    /// writes them (search entries under the parameters in force now, and the access entries): what a store
    /// search would match were that version current.
    func index(of json: JSON, type: String) -> [IndexEntry] {
        engine.current.builder.entries(for: json, type: type) + Self.accessEntries(json)
    }

    private static func accessEntries(_ json: JSON) -> [IndexEntry] {
        AccessIndex.entries(for: ResourceAccessMetadata.extract(from: json))
    }

    /// Writes a deletion tombstone after `current`.
    func delete(_ tx: any StoreTransaction, current: StoredResource) throws -> StoredResource {
        let version = current.version + 1
        let new = NewVersion(type: current.type, id: current.id, version: version, method: .delete, content: [],
                             patientKey: current.patientKey, index: [])
        try tx.put(new)
        return StoredResource(type: current.type, id: current.id, version: version, lastUpdated: tx.timestamp,
                              method: .delete, content: [], patientKey: current.patientKey)
    }
}
