/// The shared-record access rules (see the access issue).
public enum AccessPlaceholder {}
