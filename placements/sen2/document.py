"""Write the SEN2 return as COLLECT's XML, validate it against `sen2.xsd`, and read it back."""

from __future__ import annotations

import datetime as dt
from functools import cache

from lxml import etree

from . import spec
from .records import Node

ROOT = "Message"


def header_element(
    *,
    census_date: dt.date,
    la_code: str,
    serial_no: int,
    generated_at: dt.datetime,
) -> etree._Element:
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    for name, value in zip(
        spec.HEADER_COLLECTION,
        [spec.COLLECTION, str(census_date.year), census_date.isoformat()],
        strict=True,
    ):
        etree.SubElement(details, name).text = value
    source = etree.SubElement(header, "Source")
    for name, value in zip(
        spec.HEADER_SOURCE,
        [
            spec.SOURCE_LEVEL,
            la_code,
            spec.SOFTWARE_CODE,
            spec.RELEASE,
            str(serial_no),
            generated_at.replace(microsecond=0, tzinfo=None).isoformat(),
        ],
        strict=True,
    ):
        etree.SubElement(source, name).text = value
    return header


def node_element(node: Node) -> etree._Element:
    element = etree.Element(node.tag)
    for name, value in node.items.items():
        if value != "":
            etree.SubElement(element, name).text = value
    for child in node.children:
        element.append(node_element(child))
    return element


def write(
    persons: list[Node],
    *,
    census_date: dt.date,
    la_code: str,
    serial_no: int,
    generated_at: dt.datetime,
    la_level: dict[str, str] | None = None,
) -> etree._ElementTree:
    root = etree.Element(ROOT)
    root.append(
        header_element(
            census_date=census_date,
            la_code=la_code,
            serial_no=serial_no,
            generated_at=generated_at,
        )
    )
    la_level = {name: (la_level or {}).get(name, "") for name in spec.LA_LEVEL}
    if any(la_level.values()):
        root.append(node_element(Node("LAlevel", la_level)))
    people = etree.SubElement(root, "Persons")
    for person in persons:
        people.append(node_element(person))
    return etree.ElementTree(root)


def to_bytes(tree: etree._ElementTree) -> bytes:
    data: bytes = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(spec.SCHEMA_FILE)))


def schema_errors(tree: etree._ElementTree) -> list[str]:
    """Every way the XML breaks `sen2.xsd`, as `line N: message`; empty when it validates."""
    checker = schema()
    if checker.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


def read(data: bytes) -> list[Node]:
    """The persons of a return's XML, as `Node`s (items and nesting), e.g. to check a file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)

    def to_node(element: etree._Element) -> Node:
        names = spec.MODULES.get(element.tag, [])
        node = Node(tag=element.tag, items={})
        for sub in element:
            if sub.tag in spec.MODULES:
                node.children.append(to_node(sub))
            elif sub.tag in names:
                node.items[sub.tag] = sub.text or ""
        return node

    persons = root.find("Persons")
    return [] if persons is None else [to_node(p) for p in persons.findall("Person")]
