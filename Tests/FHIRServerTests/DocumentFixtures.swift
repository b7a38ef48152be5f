import Documents
import FHIRCore
import FHIRServer
import Foundation

/// Documents, Binaries and ITI-65 Bundles for the MHD tests.
enum DocumentFixtures {
    static let loinc = "http://loinc.org"
    static let classSystem = "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"
    static let typeSystemA05 = "https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire"

    /// A PDF-looking body of `count` bytes.
    static func pdf(_ count: Int = 4096, seed: UInt8 = 7) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n".utf8)
        var x = seed
        while bytes.count < count { x = x &* 31 &+ 17; bytes.append(x) }
        return Array(bytes.prefix(count))
    }

    /// SHA-1 (base64) and size of bytes, as `Attachment.hash` / `size` carry them.
    static func digest(_ bytes: [UInt8]) throws -> (sha1: String, size: Int) {
        let store = ContentStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)").path)
        let stored = try store.store(bytes)
        try? FileManager.default.removeItem(atPath: store.directory)
        return (stored.sha1Base64, bytes.count)
    }

    /// A DocumentReference's JSON members.
    static func documentReference(id: String? = nil, subject: String = "Patient/pat", type: String = "11490-0", typeSystem: String = loinc,
                                  classCode: String? = "10", status: String = "current", url: String?, hash: String? = nil, size: Int? = nil,
                                  date: String = "2026-01-15T10:00:00Z", author: String = "Practitioner/doc", replaces: String? = nil,
                                  format: String? = nil, extra: String = "") -> String {
        var attachment = #""contentType":"application/pdf""#
        if let url { attachment += #","url":"\#(url)""# }
        if let hash { attachment += #","hash":"\#(hash)""# }
        if let size { attachment += #","size":\#(size)"# }
        let category = classCode.map { #","category":[{"coding":[{"system":"\#(classSystem)","code":"\#($0)"}]}]"# } ?? ""
        let relates = replaces.map { #","relatesTo":[{"code":"replaces","target":{"reference":"\#($0)"}}]"# } ?? ""
        let idPart = id.map { #""id":"\#($0)","# } ?? ""
        let formatPart = format.map { #","format":{"system":"http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode","code":"\#($0)"}"# } ?? ""
        return #"{"resourceType":"DocumentReference",\#(idPart)"status":"\#(status)","type":{"coding":[{"system":"\#(typeSystem)","code":"\#(type)"}]}\#(category),"subject":{"reference":"\#(subject)"},"date":"\#(date)","author":[{"reference":"\#(author)"}],"content":[{"attachment":{\#(attachment)}\#(formatPart)}]\#(relates)\#(extra)}"#
    }

    /// An ITI-65 Bundle: a SubmissionSet, one DocumentReference and its Binary (inline data), all for `subject`.
    static func provideBundle(content: [UInt8], subject: String = "Patient/pat", documentSubject: String? = nil, hash: String? = nil,
                              size: Int? = nil, listed: Bool = true, withSubmissionSet: Bool = true, type: String = "11490-0",
                              typeSystem: String = loinc, replaces: String? = nil, extraBinary: Bool = false) -> String {
        let doc = "urn:uuid:0c287d32-01e3-4d87-9953-9fcc9404eb21", bin = "urn:uuid:4d5ad06b-4a51-4e55-b4b1-0d24a7d7a6b3"
        var entries: [String] = []
        if withSubmissionSet {
            let item = listed ? #","entry":[{"item":{"reference":"\#(doc)"}}]"# : ""
            entries.append(#"{"fullUrl":"urn:uuid:a1b0a9f6-3c1c-4f57-9d67-1b0ab0e3b2c1","resource":{"resourceType":"List","status":"current","mode":"working","code":{"coding":[{"system":"https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes","code":"submissionset"}]},"subject":{"reference":"\#(subject)"},"date":"2026-01-15T10:00:00Z"\#(item)},"request":{"method":"POST","url":"List"}}"#)
        }
        let reference = documentReference(subject: documentSubject ?? subject, type: type, typeSystem: typeSystem, url: bin, hash: hash, size: size, replaces: replaces)
        entries.append(#"{"fullUrl":"\#(doc)","resource":\#(reference),"request":{"method":"POST","url":"DocumentReference"}}"#)
        entries.append(#"{"fullUrl":"\#(bin)","resource":{"resourceType":"Binary","contentType":"application/pdf","data":"\#(Data(content).base64EncodedString())"},"request":{"method":"POST","url":"Binary"}}"#)
        if extraBinary {
            entries.append(#"{"fullUrl":"urn:uuid:5e6f0b8e-8f0c-4a8e-9b5e-2f1c3d4e5f60","resource":{"resourceType":"Binary","contentType":"text/plain","data":"aGVsbG8="},"request":{"method":"POST","url":"Binary"}}"#)
        }
        return #"{"resourceType":"Bundle","type":"transaction","meta":{"profile":["https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Minimal.ProvideBundle"]},"entry":[\#(entries.joined(separator: ","))]}"#
    }

    static let patient = #"{"resourceType":"Patient","id":"pat","name":[{"family":"Durand"}]}"#
    static let otherPatient = #"{"resourceType":"Patient","id":"other","name":[{"family":"Other"}]}"#
}

extension TestService {
    /// Sends raw bytes (a document upload or a retrieve with headers).
    func sendRaw(_ method: FHIRRequest.Method, _ path: String, bytes: [UInt8] = [], headers: [String: String] = [:]) async -> FHIRResponse {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let request = FHIRRequest(method: method, path: parts[0].split(separator: "/").map(String.init),
                                  query: parts.count > 1 ? QueryString.parse(String(parts[1])) : [], headers: headers, body: bytes)
        return await service.handle(request)
    }

    /// The bytes a response streams (its content slice), or its body.
    func bytes(of response: FHIRResponse) async throws -> [UInt8] {
        guard let slice = response.content else { return response.body }
        var all: [UInt8] = []
        try await service.contentStore.read(slice.sha256, offset: slice.offset, length: slice.length) { all += $0 }
        return all
    }

    /// The number of files in the content store (without its temporary folder).
    func contentFiles() -> Int {
        let root = service.contentStore.directory
        guard let folders = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
        return folders.filter { $0 != "tmp" }.reduce(0) { $0 + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + $1).count) ?? 0) }
    }

    /// The ids of a search's matches.
    func ids(_ path: String) async -> Set<String> {
        let r = await send(.get, path)
        return Set((r.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["id"]?.stringValue })
    }
}
