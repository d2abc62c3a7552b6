//! The demo tenant: a generated dataset and an OData engine that answers like the real API.
