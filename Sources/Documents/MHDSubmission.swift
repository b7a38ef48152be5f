import FHIRCore

/// The IHE MHD rules of an ITI-65 Provide Document Bundle, checked before the transaction runs (all-or-nothing:
/// any issue refuses the whole Bundle).
///
/// A transaction is an ITI-65 submission when `Bundle.meta.profile` names an MHD Provide Document Bundle profile or
/// one of its entries is a SubmissionSet `List` (`List.code` `MHDlistTypes#submissionset`, or an MHD SubmissionSet
/// profile). Then: exactly one SubmissionSet; every DocumentReference of the Bundle is an item of it; every
/// DocumentReference has `status` `current` and at least one attachment with a `url`; every Binary of the Bundle
/// is the content of one of its DocumentReferences; the SubmissionSet and every DocumentReference have the same
/// `subject`. Each issue names its element (`Bundle.entry[2].resource.subject`).
public enum MHDSubmission {
    /// The MHD list-type code system (the canonical and the older http form).
    public static let listTypeSystems: Set<String> = [
        "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes", "http://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes",
    ]

    /// Whether a transaction Bundle is an ITI-65 submission.
    public static func isSubmission(_ bundle: JSON) -> Bool {
        let profiles = (bundle["meta"]?["profile"]?.arrayValue ?? []).compactMap(\.stringValue)
        if profiles.contains(where: { $0.contains("/MHD/") || $0.contains("IHE_MHD") }) { return true }
        return (bundle["entry"]?.arrayValue ?? []).contains { isSubmissionSet($0["resource"] ?? .null) }
    }

    /// Whether a resource is an MHD SubmissionSet List.
    public static func isSubmissionSet(_ resource: JSON) -> Bool {
        guard resource["resourceType"]?.stringValue == "List" else { return false }
        let profiles = (resource["meta"]?["profile"]?.arrayValue ?? []).compactMap(\.stringValue)
        if profiles.contains(where: { $0.contains("SubmissionSet") }) { return true }
        return (resource["code"]?["coding"]?.arrayValue ?? []).contains {
            listTypeSystems.contains($0["system"]?.stringValue ?? "") && $0["code"]?.stringValue == "submissionset"
        }
    }

    /// The issues of an ITI-65 Bundle (empty: conformant).
    public static func issues(_ bundle: JSON) -> [FHIRError.Issue] {
        let entries = bundle["entry"]?.arrayValue ?? []
        var issues: [FHIRError.Issue] = []
        func issue(_ code: String, _ text: String, _ at: String) {
            issues.append(FHIRError.Issue(severity: .error, code: code, diagnostics: text, expression: [at]))
        }
        /// The names an entry is referred to by: its fullUrl and `Type/id`.
        func names(_ entry: JSON) -> Set<String> {
            var n = Set<String>()
            if let url = entry["fullUrl"]?.stringValue { n.insert(url) }
            if let r = entry["resource"], let t = r["resourceType"]?.stringValue, let id = r["id"]?.stringValue { n.insert("\(t)/\(id)") }
            if let url = entry["request"]?["url"]?.stringValue, url.contains("/"), !url.contains("?") { n.insert(url) }
            return n
        }
        let submissionSets = entries.indices.filter { isSubmissionSet(entries[$0]["resource"] ?? .null) }
        guard let setIndex = submissionSets.first else {
            issue("required", "An ITI-65 Provide Document Bundle needs a SubmissionSet List (List.code MHDlistTypes#submissionset)", "Bundle.entry")
            return issues
        }
        for extra in submissionSets.dropFirst() {
            issue("business-rule", "An ITI-65 Bundle carries exactly one SubmissionSet; this is a second one", "Bundle.entry[\(extra)].resource")
        }
        let submissionSet = entries[setIndex]["resource"] ?? .null
        let items = Set((submissionSet["entry"]?.arrayValue ?? []).compactMap { $0["item"]?["reference"]?.stringValue })
        let subject = submissionSet["subject"]?["reference"]?.stringValue
        if subject == nil {
            issue("required", "The SubmissionSet has no subject (the patient the documents are for)", "Bundle.entry[\(setIndex)].resource.subject")
        }
        var contentURLs = Set<String>()
        var documents = 0
        for (i, entry) in entries.enumerated() {
            guard let resource = entry["resource"], resource["resourceType"]?.stringValue == "DocumentReference" else { continue }
            documents += 1
            let at = "Bundle.entry[\(i)].resource"
            if names(entry).isDisjoint(with: items) {
                issue("business-rule", "This DocumentReference is not an item of the SubmissionSet (List.entry.item)", at)
            }
            let facts = DocumentReferenceFacts(resource)
            if facts.status != "current" {
                issue("business-rule", "A provided DocumentReference must have status 'current' (got \(facts.status.map { "'\($0)'" } ?? "none"))", "\(at).status")
            }
            if let subject, facts.subject != subject {
                issue("business-rule", "The DocumentReference's subject (\(facts.subject ?? "none")) differs from the SubmissionSet's (\(subject))", "\(at).subject")
            }
            if !facts.attachments.contains(where: { $0.url != nil }) {
                issue("required", "A provided DocumentReference needs content.attachment.url (a Binary of the Bundle or a stored one)", "\(at).content")
            }
            for a in facts.attachments { if let url = a.url { contentURLs.insert(url) } }
        }
        if documents == 0 {
            issue("required", "The SubmissionSet lists no DocumentReference: an ITI-65 Bundle provides at least one document", "Bundle.entry")
        }
        for (i, entry) in entries.enumerated() where entry["resource"]?["resourceType"]?.stringValue == "Binary" {
            if names(entry).isDisjoint(with: contentURLs) {
                issue("business-rule", "This Binary is the content of no DocumentReference of the Bundle (content.attachment.url)", "Bundle.entry[\(i)].resource")
            }
        }
        return issues
    }
}
