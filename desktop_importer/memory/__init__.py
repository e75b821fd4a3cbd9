"""The archive as memory for the person's own AI assistant: what the local MCP server
(server.py) offers, as plain service calls (tools.py) that read only what is published."""
