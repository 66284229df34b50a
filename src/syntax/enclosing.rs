//! The definitions around a node: the nearest function, class, or either or a lambda. Many
//! sites ask them from deep in one expression, so `Parents` keeps the answers (`nearest`).

use tree_sitter::Node;

use super::parents::Question;
use super::{NodeExt, Parents};

static FUNCTION: Question = Question::new("nearest function definition");
static CLASS: Question = Question::new("nearest class definition");
static DEFINITION: Question = Question::new("nearest function, lambda or class");

/// The nearest `function_definition` among `from` and its ancestors.
pub fn nearest_function<'t>(p: &Parents<'t>, from: Node<'t>) -> Option<Node<'t>> {
    p.nearest(&FUNCTION, from, |n| n.kind_str() == "function_definition")
}

/// The nearest `class_definition` among `from` and its ancestors.
pub fn nearest_class<'t>(p: &Parents<'t>, from: Node<'t>) -> Option<Node<'t>> {
    p.nearest(&CLASS, from, |n| n.kind_str() == "class_definition")
}

/// The nearest function, lambda or class among `from` and its ancestors: what a `return`
/// returns from, and where a lambda around a value is looked for.
pub fn nearest_definition<'t>(p: &Parents<'t>, from: Node<'t>) -> Option<Node<'t>> {
    p.nearest(&DEFINITION, from, |n| {
        matches!(
            n.kind_str(),
            "function_definition" | "lambda" | "class_definition"
        )
    })
}
