/// FHIRPath: parser and evaluator over the lossless JSON value (see the FHIRPath engine issue).
public enum FHIRPathPlaceholder {}
