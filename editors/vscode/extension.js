// Starts `sixpoint lsp` for .six files: everything else (diagnostics, hover,
// quick fixes, rename, formatting) is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("sixpoint").get("server.path") || "sixpoint";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "sixpoint",
    "sixpoint",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "sixpoint" }] },
  );
  context.subscriptions.push(client);
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `sixpoint: could not start \`${command} lsp\` (${err.message}); set sixpoint.server.path`,
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
