public enum _StoreConformancePlaceholder {}
