import Foundation

/// Reads the definition files shipped as package resources (`Sources/FHIRCore/Definitions`).
enum DefinitionFiles {
    /// The parsed JSON of `Definitions/<name>` (e.g. `"r4-model/path2Type.json"`).
    ///
    /// The files are part of the package; a missing or broken one is a packaging bug, so this stops the process
    /// with a message naming the file rather than returning an error every caller would have to handle.
    static func load(_ name: String) -> JSON {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Definitions") else {
            preconditionFailure("FHIRCore: the package resources (Definitions) are missing from \(Bundle.module.bundlePath)")
        }
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            preconditionFailure("FHIRCore: cannot read the definition file \(url.path)")
        }
        do {
            return try JSON.parse(data)
        } catch {
            preconditionFailure("FHIRCore: the definition file \(url.path) is not valid JSON: \(error)")
        }
    }
}
