"""The institution's people: departments (部署), people and contact points, vendors
(委託先)."""
