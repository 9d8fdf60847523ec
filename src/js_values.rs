//! The API's arguments read without trusting them. A JS value can be
//! anything: a Proxy whose traps throw, an object that contains itself, a
//! getter that throws, a BigInt, a Symbol, a string of a million
//! characters. Nothing here recurses into a value, lets a JS exception
//! unwind through Rust frames, or hands wasm-bindgen a value of the wrong
//! type: each odd value becomes an error that names the argument.

use js_sys::Reflect;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked Proxy: caught here.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
}

fn is_array(value: &JsValue) -> bool {
    array_is_array(value).unwrap_or(false)
}

/// The most fields an options object may have, the longest list and the
/// longest string read from one: far above what any field needs, far
/// below what could take long to read.
const MAX_FIELDS: u32 = 64;
const MAX_LIST: u32 = 64;
const MAX_STRING: usize = 256;

/// A JS value for a message: numbers and strings as written, otherwise its
/// type (`undefined`, `bigint`, `object`, …).
pub fn describe(value: &JsValue) -> String {
    match (value.as_f64(), value.as_string()) {
        (Some(n), _) => format!("{n}"),
        (_, Some(s)) if s.chars().count() <= 40 => format!("the string {s:?}"),
        (_, Some(_)) => "a long string".into(),
        _ if is_array(value) => "an array".into(),
        _ => value.js_typeof().as_string().unwrap_or_else(|| "unknown".into()),
    }
}

/// The message of a thrown JS value.
fn thrown(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => describe(error),
    }
}

/// `object[key]`, with a throwing getter or Proxy trap as an error.
fn get(object: &JsValue, key: &JsValue, what: &str) -> Result<JsValue, String> {
    Reflect::get(object, key).map_err(|error| format!("{what} could not be read: {}", thrown(&error)))
}

/// `value` if it is a JS number (not a BigInt, not a numeric string).
pub fn number(value: &JsValue, what: &str) -> Result<f64, String> {
    value
        .as_f64()
        .ok_or_else(|| format!("{what} must be a number, not {}", describe(value)))
}

/// `value` as a whole number ≥ 0 if it is a JS number that is one (not
/// NaN, not fractional, not negative, not a BigInt or a string).
pub fn whole_number(value: &JsValue) -> Option<f64> {
    value
        .as_f64()
        .filter(|n| n.is_finite() && n.fract() == 0.0 && *n >= 0.0)
}

/// `value` if it is a JS string of at most `MAX_STRING` characters.
pub fn short_string(value: &JsValue, what: &str) -> Result<String, String> {
    match value.as_string() {
        Some(text) if text.chars().count() <= MAX_STRING => Ok(text),
        Some(_) => Err(format!("{what} is longer than {MAX_STRING} characters")),
        None => Err(format!("{what} must be a string, not {}", describe(value))),
    }
}

/// A JS number as JSON: whole numbers that a double holds exactly as
/// integers (so that integer fields accept them), others as floats; NaN
/// and infinities are refused.
fn json_number(n: f64, what: &str) -> Result<Value, String> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() <= EXACT {
        return Ok(Value::Number(if n >= 0.0 {
            (n as u64).into()
        } else {
            (n as i64).into()
        }));
    }
    serde_json::Number::from_f64(n)
        .map(Value::Number)
        .ok_or_else(|| format!("{what} must be a finite number, not {n}"))
}

/// One field's value as JSON: a finite number, a short string, a boolean,
/// null, or a list of at most `MAX_LIST` finite numbers (layer widths).
fn field(value: &JsValue, what: &str) -> Result<Value, String> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    if let Some(flag) = value.as_bool() {
        return Ok(Value::Bool(flag));
    }
    if let Some(n) = value.as_f64() {
        return json_number(n, what);
    }
    if value.is_string() {
        return short_string(value, what).map(Value::String);
    }
    if is_array(value) {
        let length = get(value, &JsValue::from_str("length"), what)?
            .as_f64()
            .unwrap_or(0.0);
        if length > f64::from(MAX_LIST) {
            return Err(format!("{what} has {length} entries, more than {MAX_LIST}"));
        }
        return (0..length as u32)
            .map(|index| {
                let entry = get(value, &JsValue::from(index), what)?;
                let what = format!("{what}[{index}]");
                json_number(number(&entry, &what)?, &what)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    Err(format!(
        "{what} must be a number, a string, a boolean or a list of numbers, not {}",
        describe(value)
    ))
}

/// An options object as JSON, read one level deep: its own string-keyed
/// fields, each as `field` reads it; undefined fields are left out, and
/// undefined or null is an empty object.
pub fn options_object(value: &JsValue, what: &str) -> Result<Value, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Object(Map::new()));
    }
    if !value.is_object() || is_array(value) || value.is_function() {
        return Err(format!(
            "{what} must be a plain object of fields, not {}",
            describe(value)
        ));
    }
    let keys = Reflect::own_keys(value.unchecked_ref())
        .map_err(|error| format!("{what}'s fields could not be listed: {}", thrown(&error)))?;
    if keys.length() > MAX_FIELDS {
        return Err(format!(
            "{what} has {} fields, more than {MAX_FIELDS}",
            keys.length()
        ));
    }
    let mut fields = Map::new();
    for key in keys.iter() {
        // Symbol keys are not fields.
        let Some(name) = key.as_string() else { continue };
        let name_for_message = if name.chars().count() <= 40 {
            name.clone()
        } else {
            "a long field name".into()
        };
        let entry = get(value, &key, &format!("{what}.{name_for_message}"))?;
        if entry.is_undefined() {
            continue;
        }
        fields.insert(name, field(&entry, &format!("{what}.{name_for_message}"))?);
    }
    Ok(Value::Object(fields))
}

/// The bytes of a `Uint8Array` or an `ArrayBuffer`; None for undefined or
/// null; an error naming `what` for anything else.
pub fn byte_array(value: &JsValue, what: &str) -> Result<Option<Vec<u8>>, String> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        Ok(Some(array.to_vec()))
    } else if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        Ok(Some(js_sys::Uint8Array::new(buffer).to_vec()))
    } else {
        Err(format!(
            "{what} must be a Uint8Array or an ArrayBuffer, not {}",
            describe(value)
        ))
    }
}
