import FHIRCore
import Foundation
import Store

/// Turns a validated resource into a stored version inside a write transaction: sets `id`, `meta.versionId`,
/// `meta.lastUpdated`, serialises it, derives its patient key and index entries, and puts it.
struct ResourceWriter: Sendable {
    let indexer = ResourceIndexer()

    /// Writes `resource` as the next version of `type/id` (version 1 when `current` is nil). `tokens`, when given,
    /// are the resource's token entries computed beforehand (``ResourceIndexer/tokens(_:type:)``).
    func put(_ tx: any StoreTransaction, type: String, id: String, resource: JSONObject, method: WriteMethod,
             current: StoredResource?, tokens: [IndexEntry]? = nil) throws -> StoredResource {
        let version = (current?.version ?? 0) + 1
        var object = resource
        object.insert(.string(type), forKey: "resourceType", at: 0)
        object.insert(.string(id), forKey: "id", at: 1)
        var meta = object["meta"]?.objectValue ?? JSONObject()
        meta.insert(.string(String(version)), forKey: "versionId", at: 0)
        meta.insert(.string(FHIRInstant.format(tx.timestamp)), forKey: "lastUpdated", at: 1)
        object.insert(.object(meta), forKey: "meta", at: 2)
        let json = JSON.object(object)
        let content = json.serialized()
        let patientKey = indexer.patientKey(json, type: type)
        let index = tokens ?? indexer.tokens(json, type: type)
        let new = NewVersion(type: type, id: id, version: version, method: method, content: content,
                             patientKey: patientKey, index: index)
        try tx.put(new)
        return StoredResource(type: type, id: id, version: version, lastUpdated: tx.timestamp, method: method,
                              content: content, patientKey: patientKey)
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
