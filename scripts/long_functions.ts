/**
 * A lint rule that lists long functions (issue 16, item 8): every function, method, function
 * expression or arrow function whose block body spans 50 lines or more (from the `function`
 * keyword, name or parameter list to the closing brace; its doc comment not counted), with its
 * name and length. It is a Deno lint plugin, run with its own configuration so that the
 * project's lint stays as it is; it exits 1 while any long function is left:
 *
 *   deno lint --config scripts/long_functions.json lib experiments scripts bench
 *   deno lint --config scripts/long_functions.json --json lib | ...   # machine-readable
 *
 * A listing, not a limit: split a long function where a name would explain a step.
 * @module
 */

/** Functions of this many lines or more are reported. */
export const LONG_FUNCTION_LINES = 50;

type FunctionNode =
  | Deno.lint.FunctionDeclaration
  | Deno.lint.FunctionExpression
  | Deno.lint.ArrowFunctionExpression;

/** The name a reader knows a function by: its own, its variable's, property's or method's. */
export function functionName(node: FunctionNode): string {
  if (node.type === "FunctionDeclaration" && node.id) return node.id.name;
  if (node.type === "FunctionExpression" && node.id) return node.id.name;
  const parent = node.parent;
  if (parent.type === "VariableDeclarator" && parent.id.type === "Identifier") {
    return parent.id.name;
  }
  if (
    (parent.type === "MethodDefinition" || parent.type === "Property" ||
      parent.type === "PropertyDefinition") &&
    (parent.key.type === "Identifier" || parent.key.type === "PrivateIdentifier")
  ) {
    return parent.key.type === "PrivateIdentifier" ? `#${parent.key.name}` : parent.key.name;
  }
  return node.type === "ArrowFunctionExpression" ? "(arrow function)" : "(function)";
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The plugin: rule `geomad/long-function`. */
const plugin: Deno.lint.Plugin = {
  name: "geomad",
  rules: {
    "long-function": {
      create(context) {
        const check = (node: FunctionNode) => {
          if (!node.body || node.body.type !== "BlockStatement") return;
          const text = context.sourceCode.text;
          const lines = lineOf(text, node.range[1]) - lineOf(text, node.range[0]) + 1;
          if (lines < LONG_FUNCTION_LINES) return;
          context.report({
            node,
            message: `${functionName(node)} is ${lines} lines (>= ${LONG_FUNCTION_LINES})`,
            hint: "split it where a name would explain a step",
          });
        };
        return {
          FunctionDeclaration: check,
          FunctionExpression: check,
          ArrowFunctionExpression: check,
        };
      },
    },
  },
};
export default plugin;
