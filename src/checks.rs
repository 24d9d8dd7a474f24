//! Tests of the stylesheets (`style/`): who owns a rule, and the design tokens' contrast.

mod design_tokens;
mod styles;
