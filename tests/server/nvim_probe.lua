-- Run by test_editor_docs.py inside a headless Neovim with the documented configuration:
-- waits for the server's diagnostics on the buffer (an event; SAFETY_MS only stops a hang),
-- then asks for completions after "L = " and runs one of the configured commands.
local safety = tonumber(os.getenv("SAFETY_MS"))
local deadline = vim.loop.now() + safety
local function report()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    io.stdout:write("DIAGNOSTIC " .. d.code .. "\n")
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = 1, character = 4 },
  }
  local answers = vim.lsp.buf_request_sync(0, "textDocument/completion", params, safety)
  for _, answer in pairs(answers or {}) do
    local items = answer.result and (answer.result.items or answer.result) or {}
    io.stdout:write("ITEMS " .. #items .. "\n")
  end
  io.stdout:write("COMMAND " .. tostring(pcall(vim.cmd, "LagrangianCheck")) .. "\n")
  vim.cmd("qa!")
end
local function poll()
  if #vim.diagnostic.get(0) > 0 or vim.loop.now() > deadline then
    report()
  else
    vim.defer_fn(poll, 50)
  end
end
poll()
