//! Entity models of the API, field names as the real JSON has them.
