"""The fictional county behind `make demo`: the generator, `seed_demo` and `create_demo_users`.

It sits above every other app (it writes rows in all of them) and nothing in the product imports it.
"""
