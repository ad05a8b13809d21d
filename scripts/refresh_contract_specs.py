"""Refresh the provider specification extracts of the contract tests (tests/tools/contract/specs/).

Never run by the tests: run it by hand when a provider publishes a new specification, then run
the contract suite (`pytest tests/tools/contract`) and read what changed (`git diff`).

    python scripts/refresh_contract_specs.py twilio    CLONE_OR_FILE [--commit SHA]
    python scripts/refresh_contract_specs.py vonage    CLONE_OR_FILE [--commit SHA]
    python scripts/refresh_contract_specs.py bandwidth CLONE_OR_FILE [--commit SHA]
    python scripts/refresh_contract_specs.py vobiz     CLONE         [--commit SHA]
    python scripts/refresh_contract_specs.py telnyx    CLONE_OR_FILE [--commit SHA]

CLONE_OR_FILE is a local clone of the provider's public repository, or the specification file
itself downloaded from it (then give --commit; Vonage's file needs its sibling
``common/common_errors.yml`` next to it). The repositories:

- twilio:    https://github.com/twilio/twilio-oai            spec/json/twilio_api_v2010.json
- vonage:    https://github.com/Nexmo/api-specification      definitions/application.v2.yml
- bandwidth: https://github.com/Bandwidth/api-docs           site/specs/numbers.yml
- vobiz:     https://github.com/vobiz-ai/Vobiz-Python-SDK    src/vobiz/applications/, src/vobiz/types/application.py
- telnyx:    https://github.com/team-telnyx/openapi          openapi/spec3.yml (a large file: a shallow clone with Git LFS
             or the raw file both work)

Only the application operations and the schemas they reference are kept: references to other
files are copied in, so each extract stands alone. Vobiz publishes no specification: its
extract is an OpenAPI document written from the typed models and the request code of its
generated SDK (read as data with ``ast``, nothing is imported or run). Corrections (where the
live API or the documents differ from a specification) are not made here: they live in
``<provider>.corrections.yml`` beside the extracts, each with its source, and the tests apply them.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, "tests", "tools", "contract", "specs")

SOURCES = {
    "twilio": ("twilio/twilio-oai", "spec/json/twilio_api_v2010.json"),
    "vonage": ("Nexmo/api-specification", "definitions/application.v2.yml"),
    "bandwidth": ("Bandwidth/api-docs", "site/specs/numbers.yml"),
    "vobiz": ("vobiz-ai/Vobiz-Python-SDK", "src/vobiz/applications/raw_client.py"),
    "telnyx": ("team-telnyx/openapi", "openapi/spec3.yml"),
}
APPLICATION_PATHS = {
    "twilio": ("/2010-04-01/Accounts/{AccountSid}/Applications.json", "/2010-04-01/Accounts/{AccountSid}/Applications/{Sid}.json"),
    "vonage": ("/", "/{id}"),
    "bandwidth": ("/accounts/{accountId}/applications", "/accounts/{accountId}/applications/{applicationId}"),
    "telnyx": ("/call_control_applications", "/call_control_applications/{id}"),
}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle) if path.endswith(".json") else yaml.safe_load(handle)


def commit_of(source, given):
    if given:
        return given
    if os.path.isdir(source):
        return subprocess.run(["git", "-C", source, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    raise SystemExit("give --commit: %s is a file, not a clone" % source)


def pointer_get(document, pointer):
    node = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(spec, paths, spec_path):
    """The application paths of a spec and, transitively, the components they reference."""
    out = {"openapi": spec["openapi"], "info": {"title": spec["info"]["title"], "version": spec["info"]["version"]}}
    for key in ("servers", "security"):
        if key in spec:
            out[key] = copy.deepcopy(spec[key])
    out["paths"] = {path: copy.deepcopy(spec["paths"][path]) for path in paths}
    components = {}
    for scheme in {name for requirement in spec.get("security", []) for name in requirement}:
        components.setdefault("securitySchemes", {})[scheme] = spec["components"]["securitySchemes"][scheme]
    external = {}

    def visit(node, document, base):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                target_file, _hash, pointer = ref.partition("#")
                target_doc, target_base = document, base
                if target_file:
                    target_path = os.path.normpath(os.path.join(os.path.dirname(base), target_file))
                    if target_path not in external:
                        external[target_path] = load(target_path)
                    target_doc, target_base = external[target_path], target_path
                section, name = pointer.strip("/").split("/")[1:3]
                node["$ref"] = "#/components/%s/%s" % (section, name)
                bucket = components.setdefault(section, {})
                if name not in bucket:
                    bucket[name] = copy.deepcopy(pointer_get(target_doc, pointer))
                    visit(bucket[name], target_doc, target_base)
            for key, value in node.items():
                if key != "$ref":
                    visit(value, document, base)
        elif isinstance(node, list):
            for item in node:
                visit(item, document, base)

    visit(out["paths"], spec, spec_path)
    out["components"] = components
    return out


# ---- Vobiz: an OpenAPI document from the generated SDK's models and request code -------------------------
def annotation_schema(node):
    """(schema, required) of a Python annotation of the SDK's models."""
    text = ast.unparse(node)
    optional = text.startswith("typing.Optional[")
    inner = node.slice if optional else node
    inner_text = ast.unparse(inner)
    simple = {"str": {"type": "string"}, "int": {"type": "integer"}, "bool": {"type": "boolean"},
              "dt.datetime": {"type": "string", "format": "date-time"}, "typing.Any": {}}
    if inner_text in simple:
        schema = dict(simple[inner_text])
    elif inner_text.startswith("typing.List["):
        schema = {"type": "array", "items": annotation_schema(inner.slice)[0]}
    else:
        schema = {"$ref": "#/components/schemas/%s" % inner_text}
    if optional and schema:
        schema["nullable"] = True
    return schema, not optional


def literal_enum(tree):
    """The values of ``X = typing.Union[typing.Literal["GET", "POST"], typing.Any]``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "typing.Literal":
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return [element.value for element in elements]
    return None


def model_schemas(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    schemas = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(ast.unparse(base) == "UniversalBaseModel" for base in node.bases):
            properties, required = {}, []
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.target.id != "model_config":
                    schema, needed = annotation_schema(item.annotation)
                    properties[item.target.id] = schema
                    if needed and item.value is None:
                        required.append(item.target.id)
            forbid = "extra=\"forbid\"" in ast.unparse(node) or "Extra.forbid" in ast.unparse(node)
            schema = {"type": "object", "properties": properties}
            if required:
                schema["required"] = required
            if forbid:
                schema["additionalProperties"] = False
            schemas[node.name] = schema
    return schemas


def vobiz_operations(raw_client):
    """Each method of RawApplicationsClient as (name, verb, path, query, body fields, response model, error statuses)."""
    tree = ast.parse(open(raw_client, encoding="utf-8").read())
    [client] = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "RawApplicationsClient"]
    operations = []
    for function in client.body:
        if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
            continue
        arguments = {arg.arg: arg.annotation for arg in function.args.args + function.args.kwonlyargs if arg.annotation is not None}
        call = next(node for node in ast.walk(function) if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("httpx_client.request"))
        path = "/" + "".join(
            part.value if isinstance(part, ast.Constant) else "{%s}" % ast.unparse(part.value.args[0]) for part in call.args[0].values)
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        verb = keywords["method"].value.lower()
        query = [key.value for key in keywords["params"].keys] if "params" in keywords else []
        body = [key.value for key in keywords["json"].keys] if "json" in keywords else []
        returns = ast.unparse(function.returns)
        model = returns[len("HttpResponse["):-1]
        errors = sorted({node.comparators[0].value for node in ast.walk(function)
                         if isinstance(node, ast.Compare) and ast.unparse(node.left) == "_response.status_code"
                         and isinstance(node.ops[0], ast.Eq)})
        operations.append((function.name, verb, path, query, body, arguments, model, errors))
    return operations


def vobiz_spec(clone):
    applications = os.path.join(clone, "src", "vobiz", "applications")
    schemas = {}
    for name in sorted(os.listdir(os.path.join(applications, "types"))):
        if name.endswith(".py") and name != "__init__.py":
            schemas.update(model_schemas(os.path.join(applications, "types", name)))
    types_dir = os.path.join(clone, "src", "vobiz", "types")
    schemas.update(model_schemas(os.path.join(types_dir, "application.py")))
    for name in sorted(os.listdir(types_dir)):
        if name.startswith("application_") and name.endswith("_method.py"):
            tree = ast.parse(open(os.path.join(types_dir, name), encoding="utf-8").read())
            class_name = "".join(part.capitalize() for part in name[:-3].split("_"))
            # Fern's open enum (Union[Literal[...], Any]): the literals are what the API documents.
            schemas[class_name] = {"type": "string", "enum": literal_enum(tree)}
    paths = {}
    for name, verb, path, query, body, arguments, model, errors in vobiz_operations(os.path.join(applications, "raw_client.py")):
        operation = {"operationId": name, "parameters": []}
        for param in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
            operation["parameters"].append({"name": param, "in": "path", "required": True, "schema": {"type": "string"}})
        for param in query:
            schema, needed = annotation_schema(arguments[param])
            operation["parameters"].append({"name": param, "in": "query", "required": needed, "schema": schema})
        if body:
            properties, required = {}, []
            for field in body:
                schema, needed = annotation_schema(arguments[field])
                properties[field] = schema
                if needed:
                    required.append(field)
            request_name = name.split("_")[0].capitalize() + "ApplicationRequest"
            schemas[request_name] = {"type": "object", "properties": properties, "required": required}
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/%s" % request_name}}}}
        if model == "typing.Optional[str]":
            success = {"description": "Success (an empty body)"}
        else:
            success = {"description": "Success", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/%s" % model}}}}
        operation["responses"] = {"2XX": success}
        for status in errors:
            operation["responses"][str(status)] = {"description": "Error", "content": {"application/json": {"schema": {}}}}
        paths.setdefault(path, {})[verb] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vobiz Applications (from the generated Python SDK)", "version": "sdk"},
        "servers": [{"url": "https://api.vobiz.ai"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write(provider, document, repository, path, commit):
    target = os.path.join(SPECS, "%s.applications.yml" % provider)
    header = (
        "# Extract of the %s specification for the contract tests (tests/tools/contract): the application\n"
        "# operations and the schemas they reference, nothing else. Do not edit by hand: refresh it with\n"
        "#   python scripts/refresh_contract_specs.py %s CLONE_OR_FILE\n"
        "# Corrections, each with its source: %s.corrections.yml beside this file.\n"
        "# source repository: https://github.com/%s\n"
        "# source path:       %s\n"
        "# source commit:     %s\n"
    ) % (provider, provider, provider, repository, path, commit)
    document = dict(document)
    document["x-source"] = {"repository": repository, "path": path, "commit": commit}
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(header + "---\n")
        yaml.safe_dump(document, handle, sort_keys=False, allow_unicode=True, width=120)
    print("wrote %s" % os.path.relpath(target, ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("provider", choices=sorted(SOURCES))
    parser.add_argument("source", help="a local clone of the provider's repository, or its specification file")
    parser.add_argument("--commit", help="the commit the file comes from (required for a file)")
    args = parser.parse_args(argv)
    repository, path = SOURCES[args.provider]
    commit = commit_of(args.source, args.commit)
    if args.provider == "vobiz":
        if not os.path.isdir(args.source):
            raise SystemExit("vobiz: give a clone of %s (several files are read)" % repository)
        document = vobiz_spec(args.source)
        path = "src/vobiz/applications/ (raw_client.py, types/), src/vobiz/types/application.py, src/vobiz/types/application_*_method.py"
    else:
        spec_path = os.path.join(args.source, path) if os.path.isdir(args.source) else args.source
        document = extract(load(spec_path), APPLICATION_PATHS[args.provider], spec_path)
    write(args.provider, document, repository, path, commit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
