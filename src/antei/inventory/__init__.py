"""What the institution runs: business functions (業務), systems, components, connections."""
