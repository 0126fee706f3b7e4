// 24 tiles in server order (the same every load), written synchronously like server-rendered markup.
{
  const cats = ['beauty/skincare/serum', 'beauty/makeup/lipstick', 'home/kitchen/cookware', 'fashion/bags', 'groceries/coffee', 'home/decor'];
  const ul = document.getElementById('slot');
  for (let i = 0; i < 24; i++) {
    const li = document.createElement('li');
    li.setAttribute('data-pz-item', `sku-1-${i}`);
    li.setAttribute('data-pz-category', cats[i % cats.length]);
    li.setAttribute('data-pz-price', String(10 + i));
    li.textContent = `Product ${i}`;
    ul.appendChild(li);
  }
}
