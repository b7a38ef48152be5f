public enum _DossierHTTPPlaceholder {}
