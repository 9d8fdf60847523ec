//! The WGSL template expander. Each kernel's source is assembled in its
//! own file under `src/kernels/`; the GEMM file is a template whose register
//! blocks are unrolled here (see its header).

/// Expands a WGSL template: a line ending in `// unroll i in NAME` is
/// written once per i in 0..size(NAME) with `$i` replaced by i (likewise
/// `j`), one ending in `// unroll i j in NAME` once per (i, j); `{NAME}`
/// anywhere becomes the size. Other lines pass through unchanged.
pub fn expand_unrolled(template: &str, sizes: &[(&str, u32)]) -> String {
    let mut out = String::with_capacity(template.len() * 4);
    for line in template.lines() {
        match unroll_marker(line, sizes) {
            Some((code, vars, size)) => {
                let count = size.pow(vars.len() as u32);
                for index in 0..count {
                    let mut expanded = code.to_string();
                    // The last variable varies fastest.
                    let mut rest = index;
                    for var in vars.iter().rev() {
                        expanded = expanded.replace(&format!("${var}"), &(rest % size).to_string());
                        rest /= size;
                    }
                    out.push_str(expanded.trim_end());
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    for (name, size) in sizes {
        out = out.replace(&format!("{{{name}}}"), &size.to_string());
    }
    out
}

/// (code before the marker, loop variables, size) of an unrolled line.
fn unroll_marker<'a>(line: &'a str, sizes: &[(&str, u32)]) -> Option<(&'a str, Vec<&'a str>, u32)> {
    let (code, marker) = line.rsplit_once("// unroll ")?;
    let (vars, name) = marker.trim().rsplit_once(" in ")?;
    let &(_, size) = sizes.iter().find(|(n, _)| *n == name.trim())?;
    let vars: Vec<&str> = vars.split_whitespace().collect();
    if vars.is_empty() || vars.iter().any(|v| !matches!(*v, "i" | "j")) {
        return None;
    }
    Some((code, vars, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrolls_one_and_two_variables_and_sizes() {
        let template = "const N: u32 = {B}u;\nlet a_$i = x[$iu]; // unroll i in B\nacc_$i_$j += a_$i * b_$j; // unroll i j in B\nend\n";
        let out = expand_unrolled(template, &[("B", 2)]);
        assert_eq!(
            out,
            "const N: u32 = 2u;\nlet a_0 = x[0u];\nlet a_1 = x[1u];\nacc_0_0 += a_0 * b_0;\nacc_0_1 += a_0 * b_1;\nacc_1_0 += a_1 * b_0;\nacc_1_1 += a_1 * b_1;\nend\n"
        );
    }

    #[test]
    fn comments_that_only_mention_unrolling_pass_through() {
        let template = "// `// unroll i in NAME` is a marker\nx // unroll k in B\n";
        assert_eq!(expand_unrolled(template, &[("B", 3)]), template);
    }

    #[test]
    fn gemm_has_no_template_left_after_expansion() {
        use crate::kernels::Kernel;
        let source = crate::kernels::gemm::Gemm::source();
        let code: String = source
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect();
        assert!(!code.contains('$') && !code.contains("{SHARED") && !code.contains("{DIRECT"));
        assert!(source.contains("acc_7_7") && source.contains("acc_3_3") && !source.contains("acc_8_"));
    }
}
